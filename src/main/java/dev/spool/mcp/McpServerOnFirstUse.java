package dev.spool.mcp;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import io.modelcontextprotocol.server.McpServerFeatures.SyncCompletionSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncPromptSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.ai.mcp.server.common.autoconfigure.annotations.McpServerAnnotationScannerAutoConfiguration;
import org.springframework.ai.mcp.server.common.autoconfigure.annotations.McpServerAnnotationScannerProperties;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ResolvableType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Builds the MCP server at its first request instead of at start. Building it describes each tool's arguments and
 * answer as JSON schemas, with two schema libraries (victools' generator, networknt's validator) that load 500 classes
 * and took about a tenth of the start to healthy, for clients that may never come.
 */
@Configuration(proxyBeanMethods = false)
class McpServerOnFirstUse {

	/** What building the server needs that nothing else does: the server and the lists of what it offers. */
	private static final List<ResolvableType> BUILT_ON_FIRST_USE = List.of(ResolvableType.forClass(McpSyncServer.class),
			ResolvableType.forClassWithGenerics(List.class, SyncToolSpecification.class),
			ResolvableType.forClassWithGenerics(List.class, SyncResourceSpecification.class),
			ResolvableType.forClassWithGenerics(List.class, SyncResourceTemplateSpecification.class),
			ResolvableType.forClassWithGenerics(List.class, SyncPromptSpecification.class),
			ResolvableType.forClassWithGenerics(List.class, SyncCompletionSpecification.class));

	/** The beans of Spring AI's MCP annotation scanner, which its post-processor needs before the others. */
	private static final List<ResolvableType> SCANNER = List.of(
			ResolvableType.forClass(McpServerAnnotationScannerAutoConfiguration.class),
			ResolvableType.forClass(McpServerAnnotationScannerAutoConfiguration.ServerMcpAnnotatedBeans.class),
			ResolvableType.forClass(McpServerAnnotationScannerProperties.class));

	@Bean
	static BeanFactoryPostProcessor mcpServerBuiltLazily() {
		return (beanFactory) -> definitionsOf(beanFactory, BUILT_ON_FIRST_USE)
			.forEach((definition) -> definition.setLazyInit(true));
	}

	/**
	 * Marks the beans of Spring AI's MCP annotation scanner as infrastructure, as they are: its post-processor needs
	 * them before the others are registered, and Spring warned at every start that they would not be post-processed
	 * (spring-projects/spring-ai#5817 makes the same change).
	 */
	@Bean
	static BeanFactoryPostProcessor mcpScannerIsInfrastructure() {
		return (beanFactory) -> definitionsOf(beanFactory, SCANNER)
			.forEach((definition) -> definition.setRole(BeanDefinition.ROLE_INFRASTRUCTURE));
	}

	/** The definitions of the beans of these types that this context defines itself. */
	private static List<BeanDefinition> definitionsOf(ConfigurableListableBeanFactory beanFactory,
			List<ResolvableType> types) {
		return types.stream()
			.flatMap((type) -> Arrays.stream(beanFactory.getBeanNamesForType(type, true, false)))
			.filter(beanFactory::containsBeanDefinition)
			.map(beanFactory::getBeanDefinition)
			.toList();
	}

	/**
	 * Has the server built before the first request to it reaches its transport, which answers nothing until the
	 * server has joined it. After the security filters: a refused request builds nothing.
	 */
	@Bean
	FilterRegistrationBean<OncePerRequestFilter> mcpServerBuiltFirst(ObjectProvider<McpSyncServer> server) {
		FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(new OncePerRequestFilter() {

			@Override
			protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
					FilterChain chain) throws ServletException, IOException {
				// Built once; after that, a look-up of a singleton.
				server.getIfAvailable();
				chain.doFilter(request, response);
			}

		});
		registration.addUrlPatterns("/mcp", "/mcp/*");
		return registration;
	}

}
