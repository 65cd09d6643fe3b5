package dev.spool.security;

import org.junit.jupiter.api.Test;

import dev.spool.SpoolApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

class BindAddressTests {

	@Test
	void servingOtherHostsWithoutATokenIsRefusedAtStart() {
		assertThatException()
			.isThrownBy(() -> new SpringApplicationBuilder(SpoolApplication.class)
				.run("--server.address=0.0.0.0", "--server.port=0",
						"--spool.workspace=" + OpenSecurityTests.workspace("bind"))
				.close())
			.satisfies((ex) -> assertThat(rootMessage(ex)).contains("spool.api-token", "0.0.0.0"));
	}

	@Test
	void loopbackAddressesAreRecognised() {
		assertThat(SecurityConfiguration.isLoopback("127.0.0.1")).isTrue();
		assertThat(SecurityConfiguration.isLoopback("::1")).isTrue();
		assertThat(SecurityConfiguration.isLoopback("localhost")).isTrue();
		assertThat(SecurityConfiguration.isLoopback("0.0.0.0")).isFalse();
		assertThat(SecurityConfiguration.isLoopback(null)).isFalse();
	}

	private static String rootMessage(Throwable error) {
		Throwable cause = error;
		while (cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause.getMessage();
	}

}
