#!/usr/bin/env python3
"""A local stand-in for an OpenAI-compatible API, for OneCall's LLM planner tests (stdlib only).

It serves POST /v1/chat/completions, POST /v1/embeddings and GET /v1/models with the response
shapes of the OpenAI API reference, and behaves as a scenario says.

    python3 openai_server.py --port 0 --scenario SCENARIO.json [--record REQUESTS.jsonl] [--lifetime 120]

The first line on stdout is the bound port. Each request is appended to --record (one JSON object
per line: method, path, authorization, content_type, body) before it is answered. SIGTERM stops it
(signals blocked by the parent are unblocked first), and it exits by itself after --lifetime
seconds, so that no test leaves it behind.

Scenario (JSON object; every key optional):
  chat: {
    "mode": "tool_calls" | "follow_section" | "text" | "error" | "malformed" | "bad_arguments"
            | "missing_choices" | "huge" | "redirect",
    "tool_calls": [{"name": ..., "arguments": {...}}],   # for "tool_calls"
    "extra_calls": ["call_operator"],   # appended to the calls of any tool-calling mode (over-eager)
    "repeat": false,                    # send every call twice
    "content": "...",                   # for "text"
    "status": 500, "message": "...",    # for "error": an OpenAI-style error body
    "delay": 0.0                        # seconds to wait before answering
  }
  embeddings: {
    "mode": "ok" | "non_numeric" | "wrong_count" | "reversed" | "ragged" | "base64" | "error",
    "dimensions": 8, "delay": 0.0, "status": 500, "message": "..."
  }
  api_key: "sk-..."   # when set, requests without "Authorization: Bearer <key>" get 401

"follow_section" reads the "Actions:" line of the guide section in the last user message and calls,
in the order of its numbered items, each offered tool whose name's words (log_ticket -> "log",
"ticket") all appear in an item, e.g. "2. Call the site operator." -> call_operator.
"""

import argparse
import hashlib
import json
import os
import re
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RECORD_LOCK = threading.Lock()


def words(text):
    return re.findall(r"[a-z0-9]+", text.lower())


def action_items(text):
    """The numbered items of the first 'Actions:' line (or paragraph) of the section."""
    match = re.search(r"^\s*(?:[#*\-\s]*)Actions?\s*:\s*(.*)$", text, re.IGNORECASE | re.MULTILINE)
    if not match:
        return []
    line = match.group(1)
    items = [item.strip() for item in re.split(r"\s*\d+[.)]\s*", line) if item.strip()]
    return items


def follow_section(request):
    messages = request.get("messages") or []
    user_text = ""
    for message in messages:
        if message.get("role") == "user" and isinstance(message.get("content"), str):
            user_text = message["content"]
    tools = [tool["function"]["name"] for tool in request.get("tools") or [] if tool.get("type") == "function"]
    device = re.search(r"^Device:\s*(\S+)", user_text, re.MULTILINE)
    calls = []
    for item in action_items(user_text):
        item_words = set(words(item))
        for name in tools:
            if all(word in item_words for word in words(name.replace("_", " "))) and name not in calls:
                calls.append(name)
    return [{"name": name, "arguments": arguments_for(name, request, device.group(1) if device else None)}
            for name in calls]


def arguments_for(name, request, device):
    """Arguments that satisfy the tool's schema: device_id from the prompt, other strings 'auto'."""
    schema = {}
    for tool in request.get("tools") or []:
        if tool.get("function", {}).get("name") == name:
            schema = tool["function"].get("parameters") or {}
    arguments = {}
    for key in schema.get("required") or []:
        kind = (schema.get("properties") or {}).get(key, {}).get("type")
        if key == "device_id" and device:
            arguments[key] = device
        elif kind == "integer" or kind == "number":
            arguments[key] = 0
        elif kind == "boolean":
            arguments[key] = False
        else:
            arguments[key] = "auto"
    return arguments


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    scenario = {}
    record_path = None

    def log_message(self, format, *args):  # quiet
        pass

    # -- plumbing ---------------------------------------------------------------------------------

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return {"unparsed": raw.decode("utf-8", "replace")}

    def record(self, body):
        if not self.record_path:
            return
        entry = {
            "method": self.command,
            "path": self.path,
            "authorization": self.headers.get("Authorization"),
            "content_type": self.headers.get("Content-Type"),
            "body": body,
        }
        with RECORD_LOCK, open(self.record_path, "a", encoding="utf-8") as file:
            file.write(json.dumps(entry) + "\n")

    def send_bytes(self, status, payload, content_type="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        try:
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def send_json(self, status, value):
        self.send_bytes(status, json.dumps(value).encode("utf-8"))

    def send_error_body(self, status, message, kind="server_error", code=None):
        self.send_json(status, {"error": {"message": message, "type": kind, "param": None, "code": code}})

    def authorized(self):
        key = self.scenario.get("api_key")
        if key and self.headers.get("Authorization") != "Bearer " + key:
            self.send_error_body(401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key")
            return False
        return True

    # -- routes -----------------------------------------------------------------------------------

    def do_GET(self):
        self.record(None)
        if not self.authorized():
            return
        if self.path == "/v1/models":
            self.send_json(200, {"object": "list", "data": [
                {"id": "test-chat", "object": "model", "created": 1700000000, "owned_by": "onecall-tests"},
                {"id": "test-embed", "object": "model", "created": 1700000000, "owned_by": "onecall-tests"},
            ]})
        else:
            self.send_error_body(404, "Unknown path " + self.path, "invalid_request_error")

    def do_POST(self):
        body = self.read_body()
        self.record(body)
        if not self.authorized():
            return
        if not isinstance(body, dict) or "unparsed" in body:
            self.send_error_body(400, "We could not parse the JSON body of your request.", "invalid_request_error")
        elif self.path == "/v1/chat/completions":
            self.chat(body)
        elif self.path == "/v1/embeddings":
            self.embeddings(body)
        else:
            self.send_error_body(404, "Unknown path " + self.path, "invalid_request_error")

    def chat(self, request):
        config = self.scenario.get("chat") or {}
        time.sleep(float(config.get("delay") or 0))
        mode = config.get("mode", "follow_section")
        if not request.get("model") or not isinstance(request.get("messages"), list):
            self.send_error_body(400, "you must provide a model and messages", "invalid_request_error")
            return
        if mode == "error":
            self.send_error_body(int(config.get("status", 500)), config.get("message", "The server had an error."))
            return
        if mode == "redirect":
            self.send_response(307)
            self.send_header("Location", "http://127.0.0.2:%d/v1/chat/completions" % self.server.server_address[1])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if mode == "malformed":
            self.send_bytes(200, b'{"id": "chatcmpl-1", "object": "chat.completion", "choices": [{"index": 0, "mess')
            return
        if mode == "missing_choices":
            self.send_json(200, {"id": "chatcmpl-1", "object": "chat.completion", "created": int(time.time()),
                                 "model": request["model"]})
            return

        calls = []
        content = None
        if mode == "tool_calls":
            calls = list(config.get("tool_calls") or [])
        elif mode == "follow_section" or mode == "bad_arguments" or mode == "huge":
            calls = follow_section(request)
        elif mode == "text":
            content = config.get("content", "I cannot help with that.")
        calls += [{"name": name, "arguments": {}} for name in config.get("extra_calls") or []]
        if config.get("repeat"):
            calls = [call for call in calls for _ in (0, 1)]

        tool_calls = []
        for index, call in enumerate(calls):
            arguments = call.get("arguments", {})
            text = arguments if isinstance(arguments, str) else json.dumps(arguments)
            if mode == "bad_arguments":
                text = '{"device_id": "' + text[:5]
            tool_calls.append({"id": "call_%03d" % index, "type": "function",
                               "function": {"name": call["name"], "arguments": text}})
        if mode == "huge":
            content = "x" * int(config.get("size", 1 << 20))

        message = {"role": "assistant", "content": content, "refusal": None}
        if tool_calls:
            message["tool_calls"] = tool_calls
        prompt_tokens = sum(len(words(m.get("content") or "")) for m in request["messages"])
        self.send_json(200, {
            "id": "chatcmpl-%d" % int(time.time() * 1000),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request["model"],
            "system_fingerprint": "fp_onecall_tests",
            "choices": [{"index": 0, "message": message, "logprobs": None,
                         "finish_reason": "tool_calls" if tool_calls else "stop"}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": 10 * len(tool_calls) + 1,
                      "total_tokens": prompt_tokens + 10 * len(tool_calls) + 1},
        })

    def embeddings(self, request):
        config = self.scenario.get("embeddings") or {}
        time.sleep(float(config.get("delay") or 0))
        mode = config.get("mode", "ok")
        inputs = request.get("input")
        if isinstance(inputs, str):
            inputs = [inputs]
        if not request.get("model") or not isinstance(inputs, list) or not inputs:
            self.send_error_body(400, "you must provide a model and input", "invalid_request_error")
            return
        if mode == "error":
            self.send_error_body(int(config.get("status", 500)), config.get("message", "The server had an error."))
            return
        dimensions = int(config.get("dimensions", 8))
        data = []
        for index, text in enumerate(inputs):
            digest = hashlib.sha256(str(text).encode("utf-8")).digest()
            vector = [round((digest[i % len(digest)] - 128) / 128.0, 6) for i in range(dimensions)]
            if mode == "ragged" and index == 1:
                vector = vector[:-1]
            if mode == "non_numeric" and index == 0:
                vector[0] = "0.5"
            embedding = "AAAA" if mode == "base64" else vector
            data.append({"object": "embedding", "index": index, "embedding": embedding})
        if mode == "wrong_count":
            data = data[:-1]
        if mode == "reversed":
            data.reverse()
        tokens = sum(len(words(str(text))) for text in inputs)
        self.send_json(200, {"object": "list", "data": data, "model": request["model"],
                             "usage": {"prompt_tokens": tokens, "total_tokens": tokens}})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--scenario", help="a JSON file describing how to answer")
    parser.add_argument("--record", help="a file to which each request is appended as one JSON line")
    parser.add_argument("--lifetime", type=float, default=120, help="seconds after which the server exits")
    arguments = parser.parse_args()
    # A test runner may start us from a thread that blocks signals; the mask is inherited.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    timer = threading.Timer(arguments.lifetime, lambda: os._exit(0))
    timer.daemon = True
    timer.start()
    if arguments.scenario:
        with open(arguments.scenario, encoding="utf-8") as file:
            Handler.scenario = json.load(file)
    Handler.record_path = arguments.record
    server = ThreadingHTTPServer((arguments.host, arguments.port), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    sys.exit(main())
