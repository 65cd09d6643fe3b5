package dev.spool.model;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;

import com.openai.errors.OpenAIInvalidDataException;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIServiceException;
import tools.jackson.core.JacksonException;

/** Turns what a model call threw into a one-line reason a person can act on, and reads {@code Retry-After}. */
public final class ModelErrors {

	private ModelErrors() {
	}

	public static String describe(Throwable error) {
		OpenAIServiceException service = serviceError(error);
		if (service != null) {
			String detail = firstLine(service.getMessage());
			// The SDK's message starts with the status again ("500: ...").
			String status = service.statusCode() + ":";
			if (detail != null && detail.startsWith(status)) {
				detail = detail.substring(status.length()).strip();
			}
			return "the model endpoint answered HTTP " + service.statusCode() + ((detail != null) ? ": " + detail : "");
		}
		Throwable cause = rootCause(error);
		if (cause instanceof ConnectException) {
			return "cannot reach the model endpoint: " + firstLine(cause.getMessage());
		}
		if (cause instanceof InterruptedIOException) {
			return "the model endpoint did not answer in time: " + firstLine(cause.getMessage());
		}
		// The parser's own message says what was wrong; the SDK's wrapper only says it could not read the response.
		Throwable unreadable = find(error, JacksonException.class, com.fasterxml.jackson.core.JacksonException.class);
		if (unreadable == null) {
			unreadable = find(error, OpenAIInvalidDataException.class);
		}
		if (unreadable != null) {
			return "the model endpoint sent an answer Spool cannot read: " + firstLine(unreadable.getMessage());
		}
		if (error instanceof OpenAIIoException || cause instanceof IOException) {
			return "the connection to the model endpoint failed: " + firstLine(cause.getMessage());
		}
		String message = firstLine(error.getMessage());
		return error.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

	/** How long the endpoint asked us to wait, from a {@code Retry-After} header in seconds or as a date. */
	public static Duration retryAfter(Throwable error) {
		OpenAIServiceException service = serviceError(error);
		if (service == null) {
			return null;
		}
		List<String> values = service.headers().values("Retry-After");
		if (values.isEmpty()) {
			return null;
		}
		String value = values.get(0).strip();
		try {
			return Duration.ofMillis((long) (Double.parseDouble(value) * 1000));
		}
		catch (NumberFormatException ex) {
			try {
				Duration until = Duration.between(ZonedDateTime.now(),
						ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
				return until.isNegative() ? Duration.ZERO : until;
			}
			catch (DateTimeParseException unreadable) {
				return null;
			}
		}
	}

	/** The endpoint's error, however deeply a streamed call wrapped it ({@code CompletionException} and the like). */
	private static OpenAIServiceException serviceError(Throwable error) {
		for (Throwable cause = error; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof OpenAIServiceException service) {
				return service;
			}
		}
		return null;
	}

	@SafeVarargs
	private static Throwable find(Throwable error, Class<? extends Throwable>... types) {
		for (Throwable cause = error; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			for (Class<? extends Throwable> type : types) {
				if (type.isInstance(cause)) {
					return cause;
				}
			}
		}
		return null;
	}

	private static Throwable rootCause(Throwable error) {
		Throwable cause = error;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return cause;
	}

	private static String firstLine(String message) {
		if (message == null || message.isBlank()) {
			return null;
		}
		String line = message.strip().lines().findFirst().orElse("");
		return (line.length() > 300) ? line.substring(0, 300) + "…" : line;
	}

}
