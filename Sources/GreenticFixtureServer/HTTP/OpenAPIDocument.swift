import GreenticTestKit

/// The OpenAPI 3.0 description of every route, served at `/openapi.json` and committed as
/// `docs/openapi.json` (a test keeps the two and the router in agreement).
public enum OpenAPIDocument {
    static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }

    static func json(_ schema: JSONValue, _ description: String) -> JSONValue {
        ["description": .string(description), "content": ["application/json": ["schema": schema]]]
    }

    static func errors(_ codes: [String]) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for code in codes { out[code] = json(ref("Error"), "error (see error.code)") }
        return out
    }

    static func query(_ names: [String]) -> JSONValue {
        .array(names.map { ["name": .string($0), "in": "query", "required": false, "schema": ["type": "string"]] })
    }

    static func body(_ schema: JSONValue) -> JSONValue {
        ["required": true, "content": ["application/json": ["schema": schema]]]
    }

    static func operation(_ summary: String, parameters: JSONValue? = nil, body: JSONValue? = nil,
                          responses: [String: JSONValue]) -> JSONValue {
        var op: [String: JSONValue] = ["summary": .string(summary), "responses": .object(responses)]
        if let parameters { op["parameters"] = parameters }
        if let body { op["requestBody"] = body }
        return .object(op)
    }

    static let nullableString: JSONValue = ["type": "string", "nullable": true]
    static let identifier: JSONValue = ["type": "string", "pattern": "^[A-Za-z0-9._-]+$"]

    public static let document: JSONValue = [
        "openapi": "3.0.3",
        "info": ["title": "Greentic fixture server", "version": "1.0.0",
                 "description": "Pack & session fixture service of GreenticTestKit. Every error has a JSON body {\"error\":{\"code\",\"message\"}}."],
        "paths": [
            "/healthz": ["get": operation("Store, packs and runner status", responses: [
                "200": json(ref("Health"), "healthy"), "503": json(ref("Health"), "the session store is down"),
            ])],
            "/readyz": ["get": operation("Ready to serve", responses: [
                "200": json(["type": "object", "properties": ["ready": ["type": "boolean"]]], "ready"),
                "503": json(["type": "object", "properties": ["ready": ["type": "boolean"]]], "not ready"),
            ])],
            "/packs": ["get": operation("Packs resolved for tenant/team/user overrides", parameters: query(["tenant", "team", "user"]),
                                        responses: ["200": json(ref("PackList"), "resolved packs")].merging(errors(["400"])) { a, _ in a })],
            "/packs/reload": ["post": operation("Rebuild the pack index and tell the runner",
                                                responses: ["200": json(ref("PackList"), "new index")].merging(errors(["500", "502"])) { a, _ in a })],
            "/runner/events": [
                "get": operation("The last 100 runner events, oldest first",
                                 responses: ["200": json(["type": "array", "items": ref("RunnerEvent")], "events")]),
                "delete": operation("Clear the runner events", responses: ["204": ["description": "cleared"]]),
            ],
            "/runner/emit": ["post": operation("Send an activity to the runner and record the event", body: body(ref("EmitRequest")),
                                               responses: ["200": json(ref("RunnerEvent"), "the recorded event")]
                                                   .merging(errors(["400", "413", "415", "422", "502"])) { a, _ in a })],
            "/sessions": [
                "get": operation("List sessions (most recently updated first)", parameters: query(["tenant", "team", "user"]),
                                 responses: ["200": json(ref("SessionList"), "sessions")].merging(errors(["400", "500"])) { a, _ in a }),
                "post": operation("Create or replace a session", body: body(ref("SessionUpsert")),
                                  responses: ["200": json(ref("Session"), "the stored session")]
                                      .merging(errors(["400", "413", "415", "422", "500"])) { a, _ in a }),
                "delete": operation("Purge matching sessions; with no filter at all, only with all=true",
                                    parameters: query(["tenant", "team", "user", "all"]),
                                    responses: ["200": json(["type": "object", "properties": ["removed": ["type": "integer"]]], "removed count")]
                                        .merging(errors(["400", "413", "415", "422", "500"])) { a, _ in a }),
            ],
            "/sessions/resume": ["post": operation("Resume the most recent matching session through the runner", body: body(ref("ResumeRequest")),
                                                   responses: ["200": json(ref("RunnerEvent"), "the recorded event")]
                                                       .merging(errors(["400", "404", "413", "415", "422", "500", "502"])) { a, _ in a })],
            "/openapi.json": ["get": operation("This document", responses: ["200": ["description": "OpenAPI 3.0 document"]])],
        ],
        "components": ["schemas": [
            "Error": ["type": "object", "required": ["error"], "properties": ["error": [
                "type": "object", "required": ["code", "message"],
                "properties": ["code": ["type": "string"], "message": ["type": "string"]],
            ]]],
            "Health": ["type": "object", "properties": [
                "status": ["type": "string", "enum": ["ok", "degraded"]], "store": ["type": "object"],
                "packs": ["type": "object"], "runner": ["type": "string"],
            ]],
            "Pack": ["type": "object", "required": ["id", "path"], "properties": [
                "id": ["type": "string"], "name": nullableString, "kind": ["type": "string"], "path": ["type": "string"],
            ]],
            "PackList": ["type": "object", "properties": [
                "count": ["type": "integer"], "packs": ["type": "array", "items": ref("Pack")],
                "resolved_keys": ["type": "array", "items": ["type": "string"]], "missing_keys": ["type": "array", "items": ["type": "string"]],
            ]],
            "RunnerEvent": ["type": "object", "properties": [
                "timestamp_ms": ["type": "integer"], "flow": ["type": "string"], "tenant": nullableString, "team": nullableString,
                "user": nullableString, "payload": [:], "result": [:],
            ]],
            "EmitRequest": ["type": "object", "required": ["flow"], "properties": [
                "flow": ["type": "string"], "tenant": identifier, "team": identifier, "user": identifier, "payload": [:],
            ]],
            "Session": ["type": "object", "properties": [
                "key": ["type": "string"], "tenant": ["type": "string"], "team": nullableString, "user": nullableString,
                "cursor": ["type": "object", "properties": ["flow_id": nullableString, "node_id": nullableString]],
                "context": [:], "updated_at_epoch_ms": ["type": "integer"],
            ]],
            "SessionList": ["type": "object", "properties": ["count": ["type": "integer"], "sessions": ["type": "array", "items": ref("Session")]]],
            "SessionUpsert": ["type": "object", "properties": [
                "key": ["type": "string"], "tenant": identifier, "team": identifier, "user": identifier,
                "flow_id": identifier, "node_id": identifier, "context": [:],
            ]],
            "ResumeRequest": ["type": "object", "required": ["user"], "properties": [
                "tenant": identifier, "team": identifier, "user": identifier, "payload": [:],
            ]],
        ]],
    ]
}
