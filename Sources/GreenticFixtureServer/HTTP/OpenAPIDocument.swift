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

    static let pathID: JSONValue = [["name": "id", "in": "path", "required": true, "schema": ["type": "string"]]]
    static func pathAndQuery(_ names: [String]) -> JSONValue { .array((pathID.arrayValue ?? []) + (query(names).arrayValue ?? [])) }
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
            "/v3/directline/tokens/generate": ["post": operation("Issue a token (HS256 JWT) for a user in a tenant context",
                                                                 parameters: query(["env", "tenant", "team"]), body: body(ref("TokenRequest")),
                                                                 responses: ["200": json(ref("Token"), "a token not bound to a conversation")]
                                                                     .merging(errors(["400", "413", "415", "422"])) { a, _ in a })],
            "/v3/directline/tokens/refresh": ["post": operation("A fresh token for the bearer's user and conversation",
                                                                responses: ["200": json(ref("Token"), "a fresh token")].merging(errors(["401"])) { a, _ in a })],
            "/v3/directline/conversations": ["post": operation("Start a conversation (bearer: a token from tokens/generate)",
                                                               responses: ["201": json(ref("Conversation"), "the conversation, a token bound to it and its stream URL")]
                                                                   .merging(errors(["401", "403", "429"])) { a, _ in a })],
            "/v3/directline/conversations/{id}/activities": [
                "get": operation("Activities after the watermark (bearer: the conversation's token)", parameters: pathAndQuery(["watermark"]),
                                 responses: ["200": json(ref("ActivitySet"), "activities and the new watermark")]
                                     .merging(errors(["400", "401", "403", "404"])) { a, _ in a }),
                "post": operation("Post the user's activity; the runner's answer becomes bot activities", parameters: pathID,
                                  body: body(ref("Activity")),
                                  responses: ["201": json(["type": "object", "properties": ["id": ["type": "string"]]], "the stored activity's id")]
                                      .merging(errors(["400", "401", "403", "404", "413", "415", "502"])) { a, _ in a }),
            ],
            "/v3/directline/conversations/{id}/stream": ["get": operation(
                "WebSocket stream of {activities, watermark} frames (token in ?t=); a plain GET answers why it cannot stream",
                parameters: pathAndQuery(["t", "watermark"]),
                responses: ["101": ["description": "switching to WebSocket"]].merging(errors(["400", "401", "403", "404"])) { a, _ in a })],
            "/tokens/generate": ["post": operation("Original short route: issue a token", body: body(ref("TokenRequest")),
                                                   responses: ["200": json(ref("Token"), "a token")].merging(errors(["400", "415", "422"])) { a, _ in a })],
            "/conversations": ["post": operation("Original short route: start a conversation (no token needed; the answer carries one bound to it)",
                                                 responses: ["200": json(ref("Conversation"), "the conversation")].merging(errors(["401", "403", "429"])) { a, _ in a })],
            "/conversations/{id}/activities": [
                "get": operation("Original short route: activities after the watermark (the conversation's bound token)", parameters: pathAndQuery(["watermark"]),
                                 responses: ["200": json(ref("ActivitySet"), "activities")].merging(errors(["400", "401", "403", "404"])) { a, _ in a }),
                "post": operation("Original short route: post an activity (the conversation's bound token)", parameters: pathID, body: body(ref("Activity")),
                                  responses: ["202": json(["type": "object", "properties": ["id": ["type": "string"], "type": ["type": "string"],
                                                                                            "accepted": ["type": "boolean"]]], "accepted")]
                                      .merging(errors(["400", "401", "403", "404", "413", "415", "502"])) { a, _ in a }),
            ],
            "/webchat/": ["get": operation("The WebChat page (HTML, no external resources)", parameters: query(["env", "tenant", "team", "user"]),
                                           responses: ["200": ["description": "the page", "content": ["text/html": ["schema": ["type": "string"]]]]])],
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
            "TokenRequest": ["type": "object", "properties": ["user": [:], "tenant": identifier, "team": identifier, "env": identifier]],
            "Token": ["type": "object", "required": ["token", "expires_in"], "properties": [
                "token": ["type": "string"], "expires_in": ["type": "integer"], "conversationId": nullableString,
            ]],
            "Conversation": ["type": "object", "required": ["conversationId", "token", "expires_in", "streamUrl"], "properties": [
                "conversationId": ["type": "string"], "token": ["type": "string"], "expires_in": ["type": "integer"], "streamUrl": ["type": "string"],
            ]],
            "Activity": ["type": "object", "properties": [
                "type": ["type": "string"], "id": ["type": "string"], "text": ["type": "string"], "from": ["type": "object"],
                "conversation": ["type": "object"], "timestamp": ["type": "string"], "watermark": ["type": "string"],
                "replyToId": ["type": "string"], "attachments": ["type": "array", "items": ["type": "object"]], "value": [:],
            ]],
            "ActivitySet": ["type": "object", "properties": [
                "activities": ["type": "array", "items": ref("Activity")], "watermark": ["type": "string"],
            ]],
            "ResumeRequest": ["type": "object", "required": ["user"], "properties": [
                "tenant": identifier, "team": identifier, "user": identifier, "payload": [:],
            ]],
        ]],
    ]
}
