// An MCP server that hangs: it reads what the client sends and never answers, not even MCP's initialize.
process.stdin.resume();
setInterval(() => {}, 60000);
