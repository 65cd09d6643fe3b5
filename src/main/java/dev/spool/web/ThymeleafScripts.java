package dev.spool.web;

import java.util.LinkedHashSet;
import java.util.Set;

import org.thymeleaf.dialect.IDialect;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.spring6.dialect.SpringStandardDialect;
import org.thymeleaf.standard.serializer.StandardJavaScriptSerializer;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Thymeleaf writes values into inline scripts with Jackson 2 whenever Jackson 2 is on the class path, and the OpenAI
 * client brings it: the first page would start an object mapper of Thymeleaf's own and load some 300 classes for it.
 * Spool's pages inline no script (their content security policy forbids it), so the engine's standard dialect is one
 * that uses Thymeleaf's own serializer. A dialect of its own: every engine shares the one it starts with.
 */
@Configuration(proxyBeanMethods = false)
class ThymeleafScripts {

	@Bean
	static BeanPostProcessor scriptsWithoutJackson() {
		return new BeanPostProcessor() {
			@Override
			public Object postProcessBeforeInitialization(Object bean, String beanName) {
				if (bean instanceof SpringTemplateEngine engine) {
					Set<IDialect> dialects = new LinkedHashSet<>();
					for (IDialect dialect : engine.getDialects()) {
						dialects.add((dialect instanceof SpringStandardDialect) ? withoutJackson() : dialect);
					}
					engine.setDialects(dialects);
				}
				return bean;
			}
		};
	}

	private static SpringStandardDialect withoutJackson() {
		SpringStandardDialect dialect = new SpringStandardDialect();
		dialect.setJavaScriptSerializer(new StandardJavaScriptSerializer(false));
		return dialect;
	}

}
