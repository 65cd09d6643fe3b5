package dev.spool.security;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.spool.SettingProblem;
import dev.spool.SpoolApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.NestedExceptionUtils;

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
			.satisfies((ex) -> assertThat(rootMessage(ex)).contains("server.address is '0.0.0.0'"))
			.satisfies((ex) -> assertThat(NestedExceptionUtils.getMostSpecificCause(ex))
				.asInstanceOf(InstanceOfAssertFactories.type(SettingProblem.class))
				.extracting(SettingProblem::action)
				.asString()
				.contains("spool.api-token"));
	}

	@Test
	void byDefaultSpoolListensOnLoopbackOnly() throws IOException {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SpoolApplication.class)
			.run("--server.port=0", "--spool.workspace=" + OpenSecurityTests.workspace("default-bind"))) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();

			// What the kernel says is listening on the port, read without sending anything anywhere.
			List<String> listening = listeningAddresses(port);
			assertThat(listening).as("addresses listening on port %d", port)
				.isNotEmpty()
				.allSatisfy((address) -> assertThat(InetAddress.getByName(address).isLoopbackAddress())
					.as("%s is a loopback address", address)
					.isTrue());
		}
	}

	/** The local addresses of listening sockets on a port, from /proc/net/tcp and tcp6 (Linux). */
	private static List<String> listeningAddresses(int port) throws IOException {
		Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "needs Linux's /proc/net/tcp");
		List<String> addresses = new ArrayList<>();
		for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
			Path path = Path.of(table);
			if (!Files.isReadable(path)) {
				continue;
			}
			List<String> lines = Files.readAllLines(path);
			for (String line : lines.subList(1, lines.size())) {
				String[] fields = line.strip().split("\\s+");
				String[] local = fields[1].split(":");
				boolean listen = fields[3].equals("0A");
				if (listen && Integer.parseInt(local[1], 16) == port) {
					addresses.add(InetAddress.getByAddress(kernelOrder(local[0])).getHostAddress());
				}
			}
		}
		return addresses;
	}

	/** The kernel writes each 32-bit word of an address in host (little-endian) order. */
	private static byte[] kernelOrder(String hex) {
		byte[] bytes = new byte[hex.length() / 2];
		for (int word = 0; word < bytes.length / 4; word++) {
			for (int i = 0; i < 4; i++) {
				int at = (word * 4 + 3 - i) * 2;
				bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
			}
		}
		return bytes;
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
