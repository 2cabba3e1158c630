import GreenticSessions
import GreenticTestKit

/// The OpenAPI 3.0 description of every route, served at `/openapi.json` and committed as
/// `docs/openapi.json` (the document of the default configuration; a test keeps the two and the
/// router in agreement). Requests are described exactly as the routes validate them: which
/// fields are required (`tenant` only without `[defaults].tenant`), which accept null, the
/// identifier, key, flow and watermark grammars, and every status a route can answer. With
/// `server.auth_token` set, the routes it guards carry the `serverToken` bearer scheme.
package enum OpenAPIDocument {
    /// What in the configuration changes the document.
    public struct Options: Sendable, Equatable {
        /// `[defaults].tenant` is set, so a request may leave `tenant` out.
        public var tenantDefault = false
        /// `server.auth_token` is set.
        public var serverToken = false
        /// With a server token, reads of sessions and runner events need it (`server.auth_reads`).
        public var authReads = true

        public init(tenantDefault: Bool = false, serverToken: Bool = false, authReads: Bool = true) {
            self.tenantDefault = tenantDefault
            self.serverToken = serverToken
            self.authReads = authReads
        }

        public init(_ config: ServerConfig) {
            self.init(tenantDefault: config.defaults.tenant != nil, serverToken: config.authToken != nil, authReads: config.authReads)
        }
    }

    /// The document of the default configuration (`greentic-integration openapi`).
    public static let document: JSONValue = document(Options())

    /// The document a server with `config` serves.
    public static func document(for config: ServerConfig) -> JSONValue { document(Options(config)) }

    // MARK: Grammars (as RequestInput and the routes check them)

    /// ASCII white space, which the routes trim from identifiers and keys.
    static let space = #"[\t\n\u000b\f\r ]"#
    /// `$` alone also matches before a final line break in Python-style regex engines.
    static let end = #"$(?!\n)"#
    /// An identifier as given: `[A-Za-z0-9._-]`, 1 to 128 characters, not only dots.
    static let identifierPattern = #"^(?!\.+$)[A-Za-z0-9._-]{1,128}"# + end
    /// An identifier the route trims: white space around it is dropped, a blank value is absent.
    static let trimmedIdentifierPattern = "^\(space)*(\(trimmedIdentifierCore)\(space)*)?$"
    /// A trimmed identifier that must be there.
    static let requiredTrimmedIdentifierPattern = "^\(space)*\(trimmedIdentifierCore)\(space)*$"
    static let trimmedIdentifierCore = #"(?!\.+"# + space + #"*$)[A-Za-z0-9._-]{1,128}"#
    /// A session key, trimmed: 1 to 200 characters, none of them a control character or `/`.
    static let sessionKeyPattern = "^\(space)*([^/\\u0000-\\u001f\\u007f]{1,200})?\(space)*$"
    /// A flow id: 1 to 200 characters without a line break.
    static let flowPattern = "^[^\\n\\u000b\\f\\r\\u0085\\u2028\\u2029]{1,200}" + end
    /// A watermark: a non-negative integer of at most 18 digits; empty is absent.
    static let watermarkPattern = "^([0-9]{1,18})?" + end
    /// Text with something besides white space (Unicode Zs, tab, line breaks) in it.
    static let nonBlankPattern = #"[^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"#

    static func string(pattern: String, nullable: Bool = false) -> JSONValue {
        var schema: [String: JSONValue] = ["type": "string", "pattern": .string(pattern)]
        if nullable { schema["nullable"] = true }
        return .object(schema)
    }

    static let identifierSchema = string(pattern: identifierPattern, nullable: true)
    static let trimmedIdentifierSchema = string(pattern: trimmedIdentifierPattern, nullable: true)
    static let requiredTrimmedIdentifierSchema = string(pattern: requiredTrimmedIdentifierPattern)
    static let nullableString: JSONValue = ["type": "string", "nullable": true]

    // MARK: Building blocks

    static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }

    static func json(_ schema: JSONValue, _ description: String) -> JSONValue {
        ["description": .string(description), "content": ["application/json": ["schema": schema]]]
    }

    static let errorDescriptions: [String: String] = [
        "400": "malformed request or invalid input (see error.code)", "401": "missing or invalid bearer token",
        "403": "not allowed for this token or client", "404": "no such resource", "408": "the request body did not arrive in time",
        "409": "the resource's state does not allow this", "413": "the request body is too large",
        "415": "the body is not application/json", "422": "the body is JSON of the wrong shape",
        "429": "a server bound is reached", "431": "too many or too large header fields",
        "500": "the session store or pack index failed", "502": "the runner failed", "503": "server.max_connections connections are open",
    ]

    /// How an operation reads its input, which decides the statuses it can answer.
    enum Input {
        case none, query, body(JSONValue, required: Bool)
    }

    /// Who may call an operation.
    enum Guard {
        /// Open to anyone.
        case open
        /// Needs `server.auth_token` when one is set (mutations; guarded reads).
        case server
        /// Needs a Direct Line token.
        case directLine
        /// Takes a Direct Line token if one is sent.
        case directLineOptional
    }

    static func operation(_ summary: String, _ options: Options, parameters: [JSONValue] = [], input: Input = .none, guarded: Guard = .open,
                          responses: [String: JSONValue], errors: [String] = []) -> JSONValue {
        var op: [String: JSONValue] = ["summary": .string(summary)]
        var codes = Set(errors + ["400", "431", "503"])
        if !parameters.isEmpty { op["parameters"] = .array(parameters) }
        if case .body(let schema, let required) = input {
            op["requestBody"] = ["required": .bool(required), "content": ["application/json": ["schema": schema]]]
            codes.formUnion(["408", "413", "415", "422"])
        }
        switch guarded {
        case .open: break
        case .server:
            if options.serverToken {
                op["security"] = [["serverToken": []]]
                codes.insert("401")
            }
        case .directLine:
            op["security"] = [["directLineToken": []]]
            codes.insert("401")
        case .directLineOptional:
            op["security"] = [[:], ["directLineToken": []]]
            codes.insert("401")
        }
        var all = responses
        for code in codes where all[code] == nil { all[code] = json(ref("Error"), errorDescriptions[code] ?? "error (see error.code)") }
        op["responses"] = .object(all)
        return .object(op)
    }

    static func query(_ name: String, _ schema: JSONValue, _ description: String) -> JSONValue {
        ["name": .string(name), "in": "query", "required": false, "schema": schema, "description": .string(description)]
    }

    static func trimmedQuery(_ names: [String]) -> [JSONValue] {
        names.map { query($0, string(pattern: trimmedIdentifierPattern), "trimmed; empty = not given") }
    }

    static let pathID: JSONValue = ["name": "id", "in": "path", "required": true, "schema": ["type": "string"]]
    static let watermark = query("watermark", string(pattern: watermarkPattern), "activities after this one; empty = all")

    // MARK: The document

    static func document(_ o: Options) -> JSONValue {
        let readGuard: Guard = o.authReads ? .server : .open
        let tenantRequired: [JSONValue] = o.tenantDefault ? [] : ["tenant"]
        return [
            "openapi": "3.0.3",
            "info": ["title": "Greentic fixture server", "version": "1.0.0",
                     "description": "Pack & session fixture service of GreenticTestKit. Every error has a JSON body {\"error\":{\"code\",\"message\"}}."],
            "paths": [
                "/healthz": ["get": operation("Store, packs and runner status", o, responses: [
                    "200": json(ref("Health"), "healthy (or degraded: the store serves but holds unreadable records)"),
                    "503": json(ref("Health"), "the session store is down"),
                ])],
                "/readyz": ["get": operation("Ready to serve", o, responses: [
                    "200": json(ref("Readiness"), "ready"), "503": json(ref("Readiness"), "not ready (store down or packs root missing)"),
                ])],
                "/packs": ["get": operation("Packs resolved for tenant/team/user overrides", o, parameters: trimmedQuery(["tenant", "team", "user"]),
                                            input: .query, responses: ["200": json(ref("PackList"), "resolved packs")])],
                "/packs/reload": ["post": operation("Rebuild the pack index and tell the runner", o, input: .body(ref("Empty"), required: false),
                                                    guarded: .server, responses: ["200": json(ref("PackList"), "new index")], errors: ["500", "502"])],
                "/runner/events": [
                    "get": operation("The last 100 runner events, oldest first", o, guarded: readGuard,
                                     responses: ["200": json(["type": "array", "items": ref("RunnerEvent")], "events")]),
                    "delete": operation("Clear the runner events", o, guarded: .server, responses: ["204": ["description": "cleared"]]),
                ],
                "/runner/emit": ["post": operation("Send an activity to the runner and record the event", o,
                                                   input: .body(ref("EmitRequest"), required: true), guarded: .server,
                                                   responses: ["200": json(ref("RunnerEvent"), "the recorded event")], errors: ["502"])],
                "/sessions": [
                    "get": operation("List sessions (most recently updated first)", o, parameters: trimmedQuery(["tenant", "team", "user"]),
                                     input: .query, guarded: readGuard,
                                     responses: ["200": json(ref("SessionList"), "sessions")], errors: ["500"]),
                    "post": operation("Create or replace a session", o, input: .body(ref("SessionUpsert"), required: true), guarded: .server,
                                      responses: ["200": json(ref("Session"), "the stored session")], errors: ["500"]),
                    "delete": operation("Purge matching sessions (body fields override the query); with no filter at all, only with all=true, "
                                        + "and without server.auth_token only from a loopback client sending no Origin", o,
                                        parameters: trimmedQuery(["tenant", "team", "user"]) + [query("all", ["type": "string"], "true: purge every session")],
                                        input: .body(ref("SessionFilter"), required: false), guarded: .server,
                                        responses: ["200": json(ref("Purged"), "removed count")], errors: ["403", "500"]),
                ],
                "/sessions/resume": ["post": operation("Resume the most recent matching session through the runner", o,
                                                       input: .body(ref("ResumeRequest"), required: true), guarded: .server,
                                                       responses: ["200": json(ref("RunnerEvent"), "the recorded event")],
                                                       errors: ["404", "409", "500", "502"])],
                "/openapi.json": ["get": operation("This document", o, responses: ["200": json(["type": "object"], "OpenAPI 3.0 document")])],
                "/v3/directline/tokens/generate": ["post": operation(
                    "Issue a token (HS256 JWT) for a user in a tenant context (query values override the body's)", o,
                    parameters: trimmedQuery(["env", "tenant", "team"]), input: .body(ref("TokenRequest"), required: false),
                    responses: ["200": json(ref("Token"), "a token not bound to a conversation")])],
                "/v3/directline/tokens/refresh": ["post": operation("A fresh token for the bearer's user and conversation", o, guarded: .directLine,
                                                                    responses: ["200": json(ref("Token"), "a fresh token")])],
                "/v3/directline/conversations": ["post": operation(
                    "Start a conversation (bearer: a token from tokens/generate, not bound to a conversation)", o,
                    input: .body(ref("Empty"), required: false), guarded: .directLine,
                    responses: ["201": json(ref("Conversation"), "the conversation, a token bound to it and its stream URL")],
                    errors: ["403", "429"])],
                "/v3/directline/conversations/{id}/activities": [
                    "get": operation("Activities after the watermark (bearer: the conversation's token)", o, parameters: [pathID, watermark],
                                     input: .query, guarded: .directLine,
                                     responses: ["200": json(ref("ActivitySet"), "activities and the new watermark")], errors: ["403", "404"]),
                    "post": operation("Post the user's activity; the runner's answer becomes bot activities", o, parameters: [pathID],
                                      input: .body(ref("ActivityPost"), required: true), guarded: .directLine,
                                      responses: ["201": json(ref("ActivityID"), "the stored activity's id")], errors: ["403", "404", "502"]),
                ],
                "/v3/directline/conversations/{id}/stream": ["get": operation(
                    "WebSocket stream of {activities, watermark} frames (token in ?t=, else the bearer); a plain GET answers why it cannot stream "
                    + "(400 websocket_required when it could)", o,
                    parameters: [pathID, query("t", ["type": "string"], "the conversation's token"), watermark], input: .query,
                    guarded: .directLineOptional, responses: ["101": ["description": "switching to WebSocket"]], errors: ["403", "404"])],
                "/tokens/generate": ["post": operation("Original short route: issue a token", o, parameters: trimmedQuery(["env", "tenant", "team"]),
                                                       input: .body(ref("TokenRequest"), required: false),
                                                       responses: ["200": json(ref("Token"), "a token")])],
                "/conversations": ["post": operation(
                    "Original short route: start a conversation (no token needed; the answer carries one bound to it)", o,
                    parameters: trimmedQuery(["env", "tenant", "team"]), input: .body(ref("TokenRequest"), required: false),
                    guarded: .directLineOptional, responses: ["200": json(ref("Conversation"), "the conversation")], errors: ["403", "429"])],
                "/conversations/{id}/activities": [
                    "get": operation("Original short route: activities after the watermark (the conversation's bound token)", o,
                                     parameters: [pathID, watermark], input: .query, guarded: .directLine,
                                     responses: ["200": json(ref("ActivitySet"), "activities")], errors: ["403", "404"]),
                    "post": operation("Original short route: post an activity (the conversation's bound token)", o, parameters: [pathID],
                                      input: .body(ref("ActivityPost"), required: true), guarded: .directLine,
                                      responses: ["202": json(ref("ActivityAccepted"), "accepted")], errors: ["403", "404", "502"]),
                ],
                "/webchat/": ["get": operation("The WebChat page (HTML, no external resources; the page reads its query itself)", o,
                                               parameters: ["env", "tenant", "team", "user"].map { query($0, ["type": "string"], "passed to the page's script") },
                                               responses: ["200": ["description": "the page", "content": ["text/html": ["schema": ["type": "string"]]]]])],
            ],
            "components": [
                "securitySchemes": securitySchemes(serverToken: o.serverToken),
                "schemas": schemas(tenantRequired: tenantRequired),
            ],
        ]
    }

    static func securitySchemes(serverToken: Bool) -> JSONValue {
        var schemes: [String: JSONValue] = [
            "directLineToken": ["type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                                "description": "a Direct Line token from tokens/generate, or the token bound to the conversation"],
        ]
        if serverToken { schemes["serverToken"] = ["type": "http", "scheme": "bearer", "description": "server.auth_token"] }
        return .object(schemes)
    }

    static func schemas(tenantRequired: [JSONValue]) -> JSONValue {
        [
            "Error": ["type": "object", "required": ["error"], "properties": ["error": [
                "type": "object", "required": ["code", "message"],
                "properties": ["code": ["type": "string"], "message": ["type": "string"]],
            ]]],
            "Empty": ["type": "object", "description": "no field is read; a body that is sent must be a JSON object"],
            "Health": ["type": "object", "properties": [
                "status": ["type": "string", "enum": ["ok", "degraded"]], "store": ["type": "object"],
                "packs": ["type": "object"], "runner": ["type": "string"],
            ]],
            "Readiness": ["type": "object", "required": ["ready"], "properties": ["ready": ["type": "boolean"]]],
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
                "flow": string(pattern: flowPattern), "tenant": identifierSchema, "team": identifierSchema, "user": identifierSchema, "payload": [:],
            ]],
            "Session": ["type": "object", "properties": [
                "key": ["type": "string"], "tenant": ["type": "string"], "team": nullableString, "user": nullableString,
                "cursor": ["type": "object", "properties": ["flow_id": nullableString, "node_id": nullableString]],
                "context": [:], "updated_at_epoch_ms": ["type": "integer"],
            ]],
            "SessionList": ["type": "object", "properties": [
                "count": ["type": "integer"], "sessions": ["type": "array", "items": ref("Session")],
                "errors": ["type": "array", "items": ["type": "string"], "description": "records that could not be read"],
            ]],
            "Purged": ["type": "object", "required": ["removed"], "properties": [
                "removed": ["type": "integer"], "errors": ["type": "array", "items": ["type": "string"]],
            ]],
            "SessionUpsert": ["type": "object", "required": .array(tenantRequired + ["user"]), "properties": [
                "key": string(pattern: sessionKeyPattern, nullable: true),
                "tenant": tenantRequired.isEmpty ? trimmedIdentifierSchema : requiredTrimmedIdentifierSchema,
                "team": trimmedIdentifierSchema, "user": requiredTrimmedIdentifierSchema,
                "flow_id": trimmedIdentifierSchema, "node_id": trimmedIdentifierSchema, "context": [:],
            ]],
            "SessionFilter": ["type": "object", "properties": ["tenant": trimmedIdentifierSchema, "team": trimmedIdentifierSchema, "user": trimmedIdentifierSchema]],
            "TokenRequest": ["type": "object", "properties": [
                "user": ["nullable": true, "description": "a user id, or {\"id\": user id}; blank or absent = a generated one", "anyOf": [
                    string(pattern: trimmedIdentifierPattern),
                    ["type": "object", "required": ["id"], "properties": ["id": string(pattern: trimmedIdentifierPattern), "name": [:]]],
                ]],
                "tenant": trimmedIdentifierSchema, "team": trimmedIdentifierSchema, "env": trimmedIdentifierSchema,
            ]],
            "Token": ["type": "object", "required": ["token", "expires_in"], "properties": [
                "token": ["type": "string"], "expires_in": ["type": "integer"], "conversationId": nullableString,
            ]],
            "Conversation": ["type": "object", "required": ["conversationId", "token", "expires_in", "streamUrl"], "properties": [
                "conversationId": ["type": "string"], "token": ["type": "string"], "expires_in": ["type": "integer"], "streamUrl": ["type": "string"],
            ]],
            // As stored: the server's fields, and the rest of what the client posted.
            "Activity": ["type": "object", "required": ["id", "type", "from", "conversation", "watermark"], "properties": [
                "type": ["type": "string"], "id": ["type": "string"], "text": nullableString, "from": ["type": "object"],
                "conversation": ["type": "object", "required": ["id"], "properties": ["id": ["type": "string"]]],
                "timestamp": ["description": "ISO 8601, unless the client sent its own"], "watermark": ["type": "string"],
                "replyToId": [:], "attachments": ["type": "array", "items": [:]], "value": [:],
            ]],
            "ActivityPost": [
                "type": "object",
                "description": "at most webchat.max_activity_bytes; `from` is replaced by the token's user, `id` and `watermark` by the server's",
                "properties": [
                    "type": ["type": "string", "minLength": 1, "description": "default message"],
                    "text": nullableString, "attachments": ["type": "array", "items": [:]], "value": [:], "from": [:],
                ],
                // A message needs text that is not blank, a value or attachments.
                "anyOf": [
                    ["required": ["type"], "properties": ["type": ["not": ["enum": ["message"]]]]],
                    ["required": ["text"], "properties": ["text": string(pattern: nonBlankPattern)]],
                    ["required": ["value"]],
                    ["required": ["attachments"]],
                ],
            ],
            "ActivityID": ["type": "object", "required": ["id"], "properties": ["id": ["type": "string"]]],
            "ActivityAccepted": ["type": "object", "required": ["id", "type", "accepted"], "properties": [
                "id": ["type": "string"], "type": ["type": "string"], "accepted": ["type": "boolean"],
            ]],
            "ActivitySet": ["type": "object", "required": ["activities", "watermark"], "properties": [
                "activities": ["type": "array", "items": ref("Activity")], "watermark": ["type": "string"],
            ]],
            "ResumeRequest": ["type": "object", "required": ["user"], "properties": [
                "tenant": identifierSchema, "team": identifierSchema, "user": string(pattern: identifierPattern), "payload": [:],
            ]],
        ]
    }
}
