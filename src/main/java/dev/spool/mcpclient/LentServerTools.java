package dev.spool.mcpclient;

import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.stereotype.Component;

import dev.spool.agent.AgentTools;
import dev.spool.agent.Responder;
import dev.spool.workspace.AttemptNotes;

/**
 * Lends the model of an agent the tools of each MCP server its definition lists in {@code tools:}, named
 * {@code <server>__<tool>}. A server that cannot be used lends none, and the attempt goes on with the rest; why is
 * logged with the task and agent, and written in the attempt's record (its {@code warnings}), which the task's page and
 * history show.
 */
@Component
final class LentServerTools implements AgentTools {

	private static final Log logger = LogFactory.getLog(LentServerTools.class);

	private final McpServers servers;

	private final AttemptNotes notes;

	LentServerTools(McpServers servers, AttemptNotes notes) {
		this.servers = servers;
		this.notes = notes;
	}

	@Override
	public List<ToolCallback> lend(Responder.Request request) {
		List<ToolCallback> lent = new ArrayList<>();
		for (String server : request.agent().mcpServers()) {
			ServerTools tools = this.servers.tools(server);
			tools.problemText().ifPresent((problem) -> {
				logger.warn(request.agent().name() + " lists the MCP server '" + server + "', which lends no tools to "
						+ request.task() + ": " + problem);
				this.notes.warn(request.claim(), problem);
			});
			lent.addAll(tools.tools());
		}
		return lent;
	}

}
