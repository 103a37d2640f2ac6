"""Rules: `GET /api/v1/rules` and the dry-run endpoint `POST /api/v1/rules/test` with
AWS IoT SQL semantics."""

from __future__ import annotations

import re
import time

import pytest


def run(api, sql, topic, payload, **extra):
    status, body = api.post("/api/v1/rules/test", {"sql": sql, "topic": topic, "payload": payload, **extra})
    assert status == 200, (status, body)
    assert body["topic"] == topic
    [result] = body["results"]
    assert isinstance(result["matched"], bool)
    return result


def output(api, sql, topic, payload, **extra):
    result = run(api, sql, topic, payload, **extra)
    assert result["matched"] is True, result
    return result["output"]


def test_default_rules_listed(api):
    status, body = api.get("/api/v1/rules")
    assert status == 200, body
    rules = {r["name"]: r for r in body["rules"]}
    filters = {r["topic_filter"]: r for r in body["rules"]}
    assert "aircon/errors" in filters and "aircon/telemetry" in filters
    for rule in rules.values():
        assert isinstance(rule["sql"], str) and rule["sql"].upper().startswith("SELECT")
        assert isinstance(rule["actions"], list) and rule["actions"]
    assert "'aircon/telemetry'" in filters["aircon/telemetry"]["sql"]
    assert "'aircon/errors'" in filters["aircon/errors"]["sql"]


def test_select_expressions_topic_function_and_where(api):
    sql = "SELECT temp * 2 AS t, topic(2) AS d FROM 'a/+' WHERE temp > 20"
    assert output(api, sql, "a/dev1", {"temp": 25}) == {"t": 50, "d": "dev1"}
    assert output(api, sql, "a/dev2", {"temp": 21.5, "x": 1}) == {"t": 43.0, "d": "dev2"}


def test_where_false_does_not_match(api):
    sql = "SELECT temp * 2 AS t, topic(2) AS d FROM 'a/+' WHERE temp > 20"
    result = run(api, sql, "a/dev1", {"temp": 20})
    assert result["matched"] is False
    assert "output" not in result or result["output"] is None


def test_where_on_undefined_field_does_not_match(api):
    result = run(api, "SELECT * FROM 'a/#' WHERE temp > 20", "a/b", {"humidity": 50})
    assert result["matched"] is False


def test_topic_outside_filter_does_not_match(api):
    sql = "SELECT * FROM 'a/+'"
    assert run(api, sql, "b/dev1", {"temp": 25})["matched"] is False
    assert run(api, sql, "a/dev1/extra", {"temp": 25})["matched"] is False
    assert run(api, "SELECT * FROM 'a/#'", "a/dev1/extra", {"temp": 25})["matched"] is True


def test_select_star_is_the_payload(api):
    payload = {"temp": 25, "nested": {"x": [1, 2, {"y": None}]}, "s": "text", "b": True}
    assert output(api, "SELECT * FROM 'a/b'", "a/b", payload) == payload


def test_select_star_with_extra_columns(api):
    assert output(api, "SELECT *, topic() AS t FROM 'a/+'", "a/z", {"v": 1}) == {"v": 1, "t": "a/z"}


def test_undefined_fields_are_omitted(api):
    out = output(api, "SELECT temp, humidity, missing.deep AS md, temp + 1 AS t1 FROM 'a/b'", "a/b", {"temp": 5})
    assert out == {"temp": 5, "t1": 6}
    assert output(api, "SELECT humidity FROM 'a/b'", "a/b", {"temp": 5}) == {}


def test_select_value(api):
    assert output(api, "SELECT VALUE temp FROM 'a/b'", "a/b", {"temp": 25}) == 25
    assert output(api, "SELECT VALUE state.reported FROM 'a/b'", "a/b",
                  {"state": {"reported": {"on": True}}}) == {"on": True}


def test_nested_fields_and_string_comparison(api):
    sql = "SELECT state.reported.temp AS t FROM 'x/#' WHERE state.reported.mode = 'cool'"
    payload = {"state": {"reported": {"temp": 18, "mode": "cool"}}}
    assert output(api, sql, "x/1", payload) == {"t": 18}
    payload["state"]["reported"]["mode"] = "heat"
    assert run(api, sql, "x/1", payload)["matched"] is False


def test_boolean_operators(api):
    sql = "SELECT VALUE v FROM 'a/b' WHERE v > 1 AND (mode = 'x' OR mode = 'y') AND NOT off"
    assert output(api, sql, "a/b", {"v": 2, "mode": "y", "off": False}) == 2
    assert run(api, sql, "a/b", {"v": 2, "mode": "z", "off": False})["matched"] is False
    assert run(api, sql, "a/b", {"v": 2, "mode": "x", "off": True})["matched"] is False


def test_functions(api):
    sql = ("SELECT clientid() AS c, upper(name) AS u, lower(name) AS l, concat(name, '-', topic(1)) AS k, "
           "abs(delta) AS a, timestamp() AS ts FROM 'room/+'")
    before = time.time() * 1000
    out = output(api, sql, "room/7", {"name": "Ab", "delta": -3}, client_id="client-xyz")
    assert out["c"] == "client-xyz"
    assert out["u"] == "AB" and out["l"] == "ab"
    assert out["k"] == "Ab-room"
    assert out["a"] == 3
    assert before - 5000 <= out["ts"] <= time.time() * 1000 + 5000


def test_keywords_are_case_insensitive_and_hash_filter(api):
    assert output(api, "select temp from '#' where temp > 1", "a/b/c", {"temp": 2}) == {"temp": 2}


def test_operations_on_undefined_are_undefined(api):
    # Any operation with an Undefined operand is Undefined, and so is left out of the output.
    assert output(api, "SELECT temp + missing AS x, 1 AS one FROM 'a/b'", "a/b", {"temp": 2}) == {"one": 1}
    # "Other value" operands of OR are Undefined (AWS IoT SQL operators table), so WHERE fails.
    assert run(api, "SELECT * FROM 'a/b' WHERE s = 'x' OR missing > 1", "a/b", {"s": "x"})["matched"] is False


def test_whole_numbers_are_int_in_sql_v2(api):
    # "With SQL V2 (2016-03-23), numeric values that are whole numbers, such as 10.0, are
    # processed as an Int value (10)" (AWS IoT SQL data types); Int / Int is Int.
    out = output(api, "SELECT 5 / 2 AS a, v / 2 AS b, w / 2 AS c, 7 % 3 AS m FROM 'a/b'", "a/b", {"v": 5.0, "w": 5.5})
    assert out == {"a": 2, "b": 2, "c": 2.75, "m": 1}


def test_case_in_and_array_access(api):
    sql = ("SELECT CASE v WHEN 1 THEN 'one' ELSE 'other' END AS c, arr[1] AS second, get(arr, 0) AS first "
           "FROM 'a/b' WHERE kind IN ('x', 'y')")
    assert output(api, sql, "a/b", {"v": 1, "arr": [10, 20], "kind": "y"}) == {"c": "one", "second": 20, "first": 10}
    assert run(api, sql, "a/b", {"v": 1, "arr": [10, 20], "kind": "z"})["matched"] is False


def test_named_rule(api):
    payload = {"device_id": "x", "temperature": 20}
    status, body = api.post("/api/v1/rules/test",
                            {"rule": "telemetry_to_store", "topic": "aircon/telemetry", "payload": payload})
    assert status == 200, body
    assert body["topic"] == "aircon/telemetry"
    [result] = body["results"]
    assert result["rule"] == "telemetry_to_store"
    assert result["matched"] is True
    assert result["output"] == payload
    assert "actions" in result

    status, body = api.post("/api/v1/rules/test",
                            {"rule": "telemetry_to_store", "topic": "aircon/errors", "payload": payload})
    assert status == 200, body
    [result] = body["results"]
    assert result["rule"] == "telemetry_to_store"
    assert result["matched"] is False
    assert isinstance(result.get("reason"), str) and result["reason"]


def test_unknown_rule_is_an_error(api, unique):
    status, body = api.post("/api/v1/rules/test", {"rule": unique("norule"), "topic": "a/b", "payload": {}})
    assert status in (400, 404), (status, body)
    assert body["error"]["code"] and body["error"]["message"]


@pytest.mark.parametrize("sql, line", [
    ("SELECT FROM 'a/b'", 1),
    ("SELECT temp,\n  humidity\nFROM 'a/b' WHERE temp >", 3),
    ("SELECT temp * FROM 'a/b'", 1),
    ("SELECT temp FROM", 1),
    ("SELECT temp\nFROM 'a/b' WHERE (temp > 1", 2),
    ("SELEC * FROM 'a/b'", 1),
])
def test_syntax_error_400_names_line_and_column(api, sql, line):
    status, body = api.post("/api/v1/rules/test", {"sql": sql, "topic": "a/b", "payload": {"temp": 1}})
    assert status == 400, (status, body)
    assert body["error"]["code"] == "invalid_sql"
    message = body["error"]["message"]
    assert re.search(rf"\bline\s*:?\s*{line}\b", message, re.IGNORECASE), message
    assert re.search(r"\bcolumn\s*:?\s*\d+", message, re.IGNORECASE), message
