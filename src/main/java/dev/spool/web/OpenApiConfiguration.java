package dev.spool.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What {@code /v3/api-docs} says of the API as a whole; each endpoint describes itself where it is declared. */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

	@Bean
	OpenAPI spoolOpenApi() {
		return new OpenAPI()
			.info(new Info().title("Spool")
				.version("1")
				.license(new License().name("Apache-2.0"))
				.description("LLM agents that coordinate through a shared folder. Tasks are files in tasks/, "
						+ "claimed by atomic renames; this API creates and reads them. Errors are RFC 9457 problem "
						+ "details. Calls that change something must send Content-Type: application/json. With "
						+ "spool.api-token set, every call needs Authorization: Bearer <token>."))
			.components(new Components().addSecuritySchemes("token",
					new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
						.description("spool.api-token, when it is set")))
			.addSecurityItem(new SecurityRequirement().addList("token"));
	}

}
