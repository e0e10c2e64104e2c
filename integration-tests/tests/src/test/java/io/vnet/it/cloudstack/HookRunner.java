package io.vnet.it.cloudstack;

import groovy.lang.Binding;
import groovy.lang.GroovyObject;
import groovy.util.GroovyScriptEngine;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code HookRunner HOOKS_DIR IN.xml OUT.xml}: does what CloudStack's KVM agent does with
 * VNET's hook before it starts a VM: runs {@code libvirt-vm-xml-transformer.groovy} from the
 * hooks directory in a Groovy script engine and calls {@code transform(logger, xml)} on its
 * value, writing the XML it returns. Run as its own process in a test host's namespace, as the
 * agent would run it on a KVM host. The logger prints to standard error.
 */
public final class HookRunner {
    /** The logger CloudStack passes: the hook calls info, warn and error with a message. */
    public static final class Log {
        public void info(Object m) {
            System.err.println("INFO " + m);
        }

        public void warn(Object m) {
            System.err.println("WARN " + m);
        }

        public void error(Object m) {
            System.err.println("ERROR " + m);
        }

        public void debug(Object m) {
            System.err.println("DEBUG " + m);
        }
    }

    private HookRunner() {
    }

    public static void main(String[] args) throws Exception {
        GroovyScriptEngine engine = new GroovyScriptEngine(args[0]);
        GroovyObject hook = (GroovyObject) engine.run("libvirt-vm-xml-transformer.groovy", new Binding());
        Object out = hook.invokeMethod("transform", new Object[] {new Log(), Files.readString(Path.of(args[1]))});
        Files.writeString(Path.of(args[2]), String.valueOf(out));
    }
}
