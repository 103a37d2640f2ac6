#!/usr/bin/env python3
"""A real MCP client (the official Python SDK, `pip install mcp`) for the OneCall MCP tests.

Usage:
  mcp_client.py [--call NAME JSON]... stdio COMMAND [ARG]...
  mcp_client.py [--call NAME JSON]... http URL

Connects over stdio (spawning COMMAND) or Streamable HTTP (URL), initializes, pings, lists the
tools, calls each --call tool with its JSON arguments, and prints one JSON object on stdout:
{"initialize": {...}, "tools": [...], "calls": [{"name": ..., "result": {...}} or
{"name": ..., "error": {"code": ..., "message": ...}}]}. Exit 3: the mcp package is missing.
"""

import argparse
import json
import sys

try:
    import anyio
    from mcp import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client
except ImportError as error:  # the test reads this line and says what to install
    print(f"mcp_client.py: the Python MCP SDK is missing ({error}); run: pip install mcp", file=sys.stderr)
    sys.exit(3)

try:  # mcp >= 2
    from mcp.client.streamable_http import streamable_http_client as http_client
except ImportError:  # mcp 1.x
    from mcp.client.streamable_http import streamablehttp_client as http_client

try:
    from mcp.shared.exceptions import McpError as ProtocolError
except ImportError:
    from mcp.shared.exceptions import MCPError as ProtocolError


def dump(model):
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


async def exercise(streams, calls):
    read, write = streams[0], streams[1]
    async with ClientSession(read, write) as session:
        initialized = await session.initialize()
        await session.send_ping()
        tools = await session.list_tools()
        results = []
        for name, arguments in calls:
            try:
                result = await session.call_tool(name, json.loads(arguments))
                results.append({"name": name, "result": dump(result)})
            except ProtocolError as error:
                data = getattr(error, "error", None)
                code = getattr(data, "code", None) if data is not None else getattr(error, "code", None)
                results.append({"name": name, "error": {"code": code, "message": str(error)}})
        return {
            "initialize": dump(initialized),
            "tools": [dump(tool) for tool in tools.tools],
            "calls": results,
        }


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--call", nargs=2, action="append", default=[], metavar=("NAME", "JSON"))
    parser.add_argument("transport", choices=["stdio", "http"])
    parser.add_argument("target", nargs=argparse.REMAINDER)
    options = parser.parse_args()
    if not options.target:
        parser.error("give a command (stdio) or a URL (http)")
    with anyio.fail_after(60):
        if options.transport == "stdio":
            parameters = StdioServerParameters(command=options.target[0], args=options.target[1:])
            async with stdio_client(parameters) as streams:
                report = await exercise(streams, options.call)
        else:
            async with http_client(options.target[0]) as streams:
                report = await exercise(streams, options.call)
    json.dump(report, sys.stdout)
    print()


if __name__ == "__main__":
    anyio.run(main)
