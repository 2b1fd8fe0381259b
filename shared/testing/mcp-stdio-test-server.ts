import { writeFileSync } from 'node:fs';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { buildMcpTestServer } from './mcp-test-server.ts';

// The test MCP server over stdio, started by a step as a process (docs/architecture.md, "MCP
// toolsets"). It appends its pid to MCP_PID_FILE, so a test can check none is left running.
if (process.env['MCP_PID_FILE']) writeFileSync(process.env['MCP_PID_FILE'], `${process.pid}\n`, { flag: 'a' });
const server = buildMcpTestServer({ notes: [], forecasts: [], authorizations: [] });
await server.connect(new StdioServerTransport());
