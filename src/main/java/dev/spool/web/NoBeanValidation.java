package dev.spool.web;

import org.springframework.context.annotation.Configuration;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Spring MVC gets a validator that checks nothing, so that it never starts Hibernate Validator: that jar is on the
 * classpath only because springdoc's schema reader names one of its annotations, and starting it costs about 400
 * classes at every start. Spool checks its requests in code ({@link CreateTaskRequest} and the others say why a body
 * is refused), and no controller asks for bean validation.
 */
@Configuration(proxyBeanMethods = false)
class NoBeanValidation implements WebMvcConfigurer {

	private static final Validator NONE = new Validator() {

		@Override
		public boolean supports(Class<?> type) {
			return false;
		}

		@Override
		public void validate(Object target, Errors errors) {
		}

	};

	@Override
	public Validator getValidator() {
		return NONE;
	}

}
