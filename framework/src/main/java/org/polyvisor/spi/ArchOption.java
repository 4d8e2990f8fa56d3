package org.polyvisor.spi;

import java.util.Objects;

/**
 * A VM option an architecture accepts ({@code VmConfig.options()}, {@code bin/polyvisor run -o NAME=VALUE} or
 * {@code --NAME VALUE}). The launcher checks option names against these declarations; the architecture's
 * {@link Architecture#createMachine} still validates the values.
 *
 * @param name         the option key, for example {@code host}
 * @param values       the allowed values ({@code vhe|nvhe}) or a description of them ({@code bits})
 * @param defaultValue the value used when the option is not given
 * @param help         one line saying what it changes
 */
public record ArchOption(String name, String values, String defaultValue, String help) {
    /** Rejects missing parts, so every listing line is complete. */
    public ArchOption {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(help, "help");
    }

    /**
     * The option as one line of {@code --help} and {@code pv:archs} listings.
     *
     * @return for example {@code host=vhe|nvhe (default vhe): help}
     */
    public String describe() {
        return name + "=" + values + " (default " + defaultValue + "): " + help;
    }
}
