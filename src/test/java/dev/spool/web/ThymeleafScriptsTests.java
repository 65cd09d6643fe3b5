package dev.spool.web;

import java.io.StringWriter;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.standard.StandardDialect;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/** Spool's template engine writes values for scripts with Thymeleaf's own serializer, not Jackson 2's. */
@WebTest
class ThymeleafScriptsTests {

	@Autowired
	SpringTemplateEngine spools;

	@Test
	void valuesForScriptsAreWrittenByThymeleafItselfNotByAnObjectMapperOfJackson2() {
		// Jackson 2's module for Optional writes the value inside; Thymeleaf's own serializer writes the bean.
		assertThat(forScript(new SpringTemplateEngine(), Optional.of(2))).isEqualTo("2");
		assertThat(forScript(this.spools, Optional.of(2))).isEqualTo("{\"empty\":false,\"present\":true}");
	}

	private static String forScript(SpringTemplateEngine engine, Object value) {
		StringWriter written = new StringWriter();
		engine.getDialects()
			.stream()
			.filter(StandardDialect.class::isInstance)
			.forEach((dialect) -> ((StandardDialect) dialect).getJavaScriptSerializer().serializeValue(value, written));
		return written.toString();
	}

}
