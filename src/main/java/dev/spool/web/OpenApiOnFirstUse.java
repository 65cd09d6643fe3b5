package dev.spool.web;

import java.io.IOException;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServletRequest;
import org.springdoc.core.properties.SwaggerUiConfigProperties;
import org.springdoc.core.properties.SwaggerUiOAuthProperties;
import org.springdoc.core.providers.ObjectMapperProvider;
import org.springdoc.webmvc.ui.SwaggerIndexPageTransformer;
import org.springdoc.webmvc.ui.SwaggerIndexTransformer;
import org.springdoc.webmvc.ui.SwaggerWelcomeCommon;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.servlet.resource.ResourceTransformerChain;

/**
 * Describes the API ({@code /v3/api-docs}, Swagger UI) when it is first asked for instead of at start: springdoc's
 * beans build Jackson 2 mappers and swagger's model readers (about 800 classes) that only those pages use.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiOnFirstUse {

	private static final String SPRINGDOC = "org.springdoc.";

	/** Every bean springdoc defines is made when first needed (springdoc marks them eager). */
	@Bean
	static BeanFactoryPostProcessor openApiBuiltLazily() {
		return (beanFactory) -> {
			for (String name : beanFactory.getBeanDefinitionNames()) {
				BeanDefinition definition = beanFactory.getBeanDefinition(name);
				if (fromSpringdoc(beanFactory, definition)) {
					definition.setLazyInit(true);
				}
			}
		};
	}

	private static boolean fromSpringdoc(ConfigurableListableBeanFactory beanFactory, BeanDefinition definition) {
		String type = definition.getBeanClassName();
		String factory = definition.getFactoryBeanName();
		if (type == null && factory != null && beanFactory.containsBeanDefinition(factory)) {
			type = beanFactory.getBeanDefinition(factory).getBeanClassName();
		}
		return type != null && type.startsWith(SPRINGDOC);
	}

	/**
	 * Swagger UI's index page, rewritten as springdoc rewrites it, by a transformer made at the page's first request:
	 * springdoc's own is needed by the web configuration at start, and needs springdoc's mappers.
	 */
	@Bean
	SwaggerIndexTransformer indexPageTransformer(ObjectProvider<SwaggerUiConfigProperties> ui,
			ObjectProvider<SwaggerUiOAuthProperties> oauth, ObjectProvider<SwaggerWelcomeCommon> welcome,
			ObjectProvider<ObjectMapperProvider> mappers) {
		Supplier<SwaggerIndexTransformer> transformer = SingletonSupplier.of(() -> new SwaggerIndexPageTransformer(
				ui.getObject(), oauth.getObject(), welcome.getObject(), mappers.getObject()));
		return new SwaggerIndexTransformer() {

			@Override
			public Resource transform(HttpServletRequest request, Resource resource,
					ResourceTransformerChain chain) throws IOException {
				return transformer.get().transform(request, resource, chain);
			}

		};
	}

}
