package dev.spool.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.ContextConfiguration;

/**
 * A test of Spool's pages and API through MockMvc, on the {@link SharedWorkspace}. Test classes that add nothing to
 * it share one Spring context, started once: write such tests so that other tests' tasks in the workspace do not
 * matter (look for your own tasks rather than count them all). A test that needs settings of its own or a workspace
 * to itself (an empty one, say) adds them with {@code @DynamicPropertySource}, and gets a context of its own.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest
@AutoConfigureMockMvc
@ContextConfiguration(initializers = SharedWorkspace.class)
public @interface WebTest {

}
