package dev.spool.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** Spool's REST API over real HTTP, for browser journeys that set up tasks beside the page and read their state. */
final class ApiClient {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newHttpClient();

	private final int port;

	ApiClient(int port) {
		this.port = port;
	}

	String url(String path) {
		return "http://127.0.0.1:" + this.port + path;
	}

	/** A task's status as {@code GET /api/tasks/{id}} gives it. */
	String status(String id) {
		return task(id).path("status").asString();
	}

	/** A task as {@code GET /api/tasks/{id}} gives it. */
	JsonNode task(String id) {
		try {
			HttpResponse<String> response = this.http.send(
					HttpRequest.newBuilder(URI.create(url("/api/tasks/" + id))).build(),
					HttpResponse.BodyHandlers.ofString());
			return JSON.readTree(response.body());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Creates a task with {@code POST /api/tasks}, which must answer 201, and returns its id. */
	String createTask(Map<String, ?> task) throws Exception {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create(url("/api/tasks")))
					.header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(task)))
					.build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		return JSON.readTree(response.body()).path("id").asString();
	}

}
