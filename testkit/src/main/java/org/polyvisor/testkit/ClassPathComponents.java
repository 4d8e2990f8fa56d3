package org.polyvisor.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Manifest;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The Declarative Services components of the bundles on the class path, read as Felix SCR reads them: each jar's
 * {@code Service-Component} manifest header names its component descriptions ({@code OSGI-INF/*.xml}, written by
 * bnd from the {@code @Component} annotations). This lets {@link GuestRunner#installed} build an architecture and
 * its own exit handlers from the published bundle jars, without naming their implementation classes.
 */
final class ClassPathComponents {
    /** One component description: the services it provides, its properties, and its implementation class. */
    record Component(String name, List<String> services, Map<String, List<String>> properties,
            String implementation) {
        String property(String key) {
            List<String> v = properties.get(key);
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        List<String> propertyValues(String key) {
            return properties.getOrDefault(key, List.of());
        }

        Object instantiate(ClassLoader loader) {
            try {
                return Class.forName(implementation, true, loader).getConstructor().newInstance();
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("component " + name + " (class " + implementation
                        + ") cannot be created with a public no-argument constructor: " + e.getMessage()
                        + "; register it with GuestRunner.handler(...) instead", e);
            }
        }
    }

    private ClassPathComponents() {
    }

    static List<Component> all(ClassLoader loader) {
        List<Component> out = new ArrayList<>();
        try {
            Enumeration<URL> manifests = loader.getResources("META-INF/MANIFEST.MF");
            while (manifests.hasMoreElements()) {
                URL manifest = manifests.nextElement();
                String header;
                try (InputStream in = manifest.openStream()) {
                    header = new Manifest(in).getMainAttributes().getValue("Service-Component");
                }
                if (header == null) {
                    continue;
                }
                URI root = URI.create(manifest.toString().substring(0,
                        manifest.toString().length() - "META-INF/MANIFEST.MF".length()));
                for (String entry : header.split(",")) {
                    URL xml = URI.create(root + entry.trim()).toURL();
                    out.add(parse(xml));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("reading the component descriptions on the class path failed: "
                    + e.getMessage(), e);
        }
        return out;
    }

    private static Component parse(URL xml) throws IOException {
        Document doc;
        try (InputStream in = xml.openStream()) {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            doc = f.newDocumentBuilder().parse(in);
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("component description " + xml + " is not valid XML: " + e.getMessage(), e);
        }
        Element root = doc.getDocumentElement();
        List<String> services = new ArrayList<>();
        NodeList provides = root.getElementsByTagName("provide");
        for (int i = 0; i < provides.getLength(); i++) {
            services.add(((Element) provides.item(i)).getAttribute("interface"));
        }
        Map<String, List<String>> props = new LinkedHashMap<>();
        NodeList properties = root.getElementsByTagName("property");
        for (int i = 0; i < properties.getLength(); i++) {
            Element p = (Element) properties.item(i);
            List<String> values = new ArrayList<>();
            if (p.hasAttribute("value")) {
                values.add(p.getAttribute("value"));
            } else {
                for (String line : p.getTextContent().split("\n")) {
                    if (!line.isBlank()) {
                        values.add(line.trim());
                    }
                }
            }
            props.put(p.getAttribute("name"), values);
        }
        NodeList impl = root.getElementsByTagName("implementation");
        String cls = impl.getLength() == 0 ? null : ((Element) impl.item(0)).getAttribute("class");
        return new Component(root.getAttribute("name"), services, props, cls);
    }
}
