package io.vnet.fuzz;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every fuzz test class ({@code *FuzzTest}) is run with: logging silenced ({@link QuietLogging})
 * and Netty's leak detector required at PARANOID, with any leak it reports failing the class
 * ({@link LeakCheck}). Put it on the class, beside the {@code @FuzzTest} method.
 */
@Documented
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith({QuietLogging.class, LeakCheck.class})
public @interface Fuzzing {
}
