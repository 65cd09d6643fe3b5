package dev.spool.web;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/** Turns what Jackson could not read into a {@code 400} that names the field and says what it should have been. */
final class JsonInputProblem {

	private static final Map<JsonToken, String> GIVEN = Map.of(JsonToken.VALUE_NUMBER_INT, "a number",
			JsonToken.VALUE_NUMBER_FLOAT, "a number", JsonToken.VALUE_STRING, "a string", JsonToken.VALUE_TRUE,
			"a boolean", JsonToken.VALUE_FALSE, "a boolean", JsonToken.START_OBJECT, "an object",
			JsonToken.START_ARRAY, "a list", JsonToken.VALUE_NULL, "null");

	private JsonInputProblem() {
	}

	/** A problem detail for an unreadable body, or {@code null} if the cause is not Jackson's. */
	static ProblemDetail of(Throwable cause) {
		if (cause instanceof UnrecognizedPropertyException unknown) {
			String known = unknown.getKnownPropertyIds()
				.stream()
				.map(String::valueOf)
				.sorted()
				.collect(Collectors.joining(", "));
			return problem(path(unknown), "'" + unknown.getPropertyName() + "' is not a field of this request (fields: "
					+ known + ")");
		}
		if (cause instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
			String given = (mismatch.getCurrentToken() != null) ? GIVEN.get(mismatch.getCurrentToken()) : null;
			return problem(path(mismatch), "expected " + expected(mismatch.getTargetType())
					+ ((given != null) ? ", got " + given : ""));
		}
		if (cause instanceof StreamReadException malformed) {
			String where = (malformed.getLocation() != null) ? " (line " + malformed.getLocation().getLineNr()
					+ ", column " + malformed.getLocation().getColumnNr() + ")" : "";
			return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
					"the body is not valid JSON" + where + ": " + firstLine(malformed.getOriginalMessage()));
		}
		if (cause instanceof JacksonException other) {
			return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
					"the body could not be read: " + firstLine(other.getOriginalMessage()));
		}
		return null;
	}

	private static ProblemDetail problem(String field, String what) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				field.isEmpty() ? what : field + ": " + what);
		if (!field.isEmpty()) {
			problem.setProperty("field", field);
		}
		return problem;
	}

	/** The field as a client wrote it: {@code stages[1].prompt}. */
	private static String path(JacksonException ex) {
		StringBuilder path = new StringBuilder();
		for (JacksonException.Reference reference : ex.getPath()) {
			if (reference.getPropertyName() != null) {
				path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
			}
			else if (reference.getIndex() >= 0) {
				path.append('[').append(reference.getIndex()).append(']');
			}
		}
		return path.toString();
	}

	private static String expected(Class<?> type) {
		if (type == null) {
			return "another kind of value";
		}
		if (CharSequence.class.isAssignableFrom(type)) {
			return "a string";
		}
		if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
			return "a whole number";
		}
		if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
			return "a number";
		}
		if (type == Boolean.class || type == boolean.class) {
			return "true or false";
		}
		if (Collection.class.isAssignableFrom(type) || type.isArray()) {
			return "a list";
		}
		if (type.isEnum()) {
			return "one of " + List.of(type.getEnumConstants());
		}
		return "an object";
	}

	private static String firstLine(String message) {
		if (message == null) {
			return "";
		}
		int end = message.indexOf('\n');
		return (end < 0) ? message : message.substring(0, end);
	}

}
