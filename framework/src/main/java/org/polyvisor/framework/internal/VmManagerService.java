package org.polyvisor.framework.internal;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.polyvisor.api.LiveSaveResult;
import org.polyvisor.api.VmConfig;
import org.polyvisor.api.VmInfo;
import org.polyvisor.api.VmManager;
import org.polyvisor.spi.Architecture;
import org.polyvisor.spi.ExitHandler;
import org.polyvisor.spi.ExitObserver;
import org.polyvisor.spi.VmExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the {@link VmManager} service and feeds the manager the architecture, exit-handler, exit-observer and
 * extension services
 * as they come and go. The unbind methods run synchronously while a service unregisters, so the old implementation
 * is still usable there: that is where VMs are paused and their state exported (hot swap).
 */
@Component(service = VmManager.class, immediate = true)
public final class VmManagerService implements VmManager {
    private static final Logger LOG = LoggerFactory.getLogger(VmManagerService.class);
    private final FrameworkGraph graph = DaggerFrameworkGraph.create();
    private final VmManagerImpl impl = graph.vmManager();

    VmManagerImpl impl() {
        return impl;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindArchitecture(Architecture arch, Map<String, Object> props) {
        impl.addArchitecture(arch, ranking(props));
    }

    void unbindArchitecture(Architecture arch) {
        impl.removeArchitecture(arch);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindExitHandler(ExitHandler handler, Map<String, Object> props) {
        Object arch = props.get(ExitHandler.ARCH);
        String[] classes = strings(props.get(ExitHandler.EXIT_CLASS));
        if (!(arch instanceof String a) || classes.length == 0) {
            LOG.error("exit handler {} (service {}) ignored: it needs the properties {} and {}",
                    handler.getClass().getName(), props.get("service.id"), ExitHandler.ARCH, ExitHandler.EXIT_CLASS);
            return;
        }
        impl.addExitHandler(handler, a, classes, ranking(props));
    }

    void unbindExitHandler(ExitHandler handler, Map<String, Object> props) {
        if (props.get(ExitHandler.ARCH) instanceof String a) {
            impl.removeExitHandler(handler, a);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindExitObserver(ExitObserver observer) {
        impl.addExitObserver(observer);
    }

    void unbindExitObserver(ExitObserver observer) {
        impl.removeExitObserver(observer);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindExtension(VmExtension extension) {
        impl.addExtension(extension);
    }

    void unbindExtension(VmExtension extension) {
        impl.removeExtension(extension);
    }

    @Deactivate
    void deactivate() {
        impl.close();
    }

    private static int ranking(Map<String, Object> props) {
        return props.get("service.ranking") instanceof Integer r ? r : 0;
    }

    private static String[] strings(Object o) {
        if (o instanceof String s) {
            return s.split("\\s*,\\s*");
        }
        if (o instanceof String[] a) {
            return a;
        }
        if (o instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toArray(String[]::new);
        }
        return new String[0];
    }

    // ---- VmManager, delegated ----
    @Override
    public int create(VmConfig config) {
        return impl.create(config);
    }

    @Override
    public void start(int id) {
        impl.start(id);
    }

    @Override
    public void pause(int id) {
        impl.pause(id);
    }

    @Override
    public void resume(int id) {
        impl.resume(id);
    }

    @Override
    public void stop(int id) {
        impl.stop(id);
    }

    @Override
    public void destroy(int id) {
        impl.destroy(id);
    }

    @Override
    public List<VmInfo> list() {
        return impl.list();
    }

    @Override
    public VmInfo info(int id) {
        return impl.info(id);
    }

    @Override
    public Map<String, Long> exitCounts(int id) {
        return impl.exitCounts(id);
    }

    @Override
    public byte[] consoleTail(int id) {
        return impl.consoleTail(id);
    }

    @Override
    public AutoCloseable attachConsole(int id, IntConsumer sink) {
        return impl.attachConsole(id, sink);
    }

    @Override
    public VmInfo awaitTermination(int id, long timeoutMillis) throws InterruptedException {
        return impl.awaitTermination(id, timeoutMillis);
    }

    @Override
    public List<Map<String, Long>> registers(int id) {
        return impl.registers(id);
    }

    @Override
    public LiveSaveResult saveLive(int id, Path file) {
        return impl.saveLive(id, file);
    }
}
