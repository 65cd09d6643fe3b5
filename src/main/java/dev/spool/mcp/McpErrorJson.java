package dev.spool.mcp;

import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;

import dev.spool.tools.ToolErrors;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.ser.std.StdSerializer;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The MCP transport answers a message it cannot take (not JSON, no session, the wrong {@code Accept}) with its
 * exception as the response body, which Jackson wrote out whole: every frame of the stack trace and the cause. Written
 * here as what it is, a JSON-RPC error: {@code {"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"..."}}}.
 */
@Configuration(proxyBeanMethods = false)
class McpErrorJson {

	@Bean
	JsonMapperBuilderCustomizer mcpErrorsAsJsonRpc() {
		return (builder) -> builder.addModule(new SimpleModule("spool-mcp-errors").addSerializer(McpError.class,
				new JsonRpcErrorSerializer()));
	}

	private static final class JsonRpcErrorSerializer extends StdSerializer<McpError> {

		JsonRpcErrorSerializer() {
			super(McpError.class);
		}

		@Override
		public void serialize(McpError value, JsonGenerator out, SerializationContext context) {
			McpSchema.JSONRPCResponse.JSONRPCError error = value.getJsonRpcError();
			out.writeStartObject();
			out.writeStringProperty("jsonrpc", McpSchema.JSONRPC_VERSION);
			out.writeNullProperty("id");
			out.writeName("error");
			out.writeStartObject();
			out.writeNumberProperty("code", (error != null) ? error.code() : McpSchema.ErrorCodes.INTERNAL_ERROR);
			out.writeStringProperty("message", ToolErrors.oneLine((error != null) ? error.message() : null));
			out.writeEndObject();
			out.writeEndObject();
		}

	}

}
