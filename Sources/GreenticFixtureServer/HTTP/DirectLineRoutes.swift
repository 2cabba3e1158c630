import Foundation
import GreenticHTTP
import GreenticTestKit
import Hummingbird
import NIOCore

/// The Direct Line 3.0 subset under `/v3/directline` (tokens, conversations, activities with
/// watermarks; the WebSocket stream is upgraded in `FixtureServer`, and a plain GET of the
/// stream URL answers with the reason it cannot stream), plus the original's short routes
/// (`/tokens/generate`, `/conversations`, `/conversations/{id}/activities`) with their response
/// shapes: 200 on token and conversation, 202 `{id, type, accepted}` on a posted activity. A
/// short `POST /conversations` may come without a token (the answer carries one bound to the new
/// conversation); reading or posting a conversation's activities always needs that bound token.
struct DirectLineRoutes {
    let state: FixtureServerState
    let input: RequestInput
    var backend: DirectLineBackend { state.webchat }

    func register(on router: Router<FixtureRequestContext>) {
        register(prefix: "/v3/directline", legacy: false, on: router)
        register(prefix: "", legacy: true, on: router)
    }

    func register(prefix: String, legacy: Bool, on router: Router<FixtureRequestContext>) {
        router.post("\(prefix)/tokens/generate") { request, _ in
            let body = try await input.jsonObject(request, optional: true) ?? [:]
            let query = try input.query(request)
            let user = try Self.user(body) ?? "user:\(UUID().uuidString.lowercased())"
            let ctx = try context(query: query, body: body)
            let issued = backend.signer.issue(user: user, env: ctx.env, tenant: ctx.tenant, team: ctx.team)
            return JSONResponse.make(.object([("token", .string(issued.token)), ("expires_in", .int(backend.signer.lifetime))]))
        }
        router.post("\(prefix)/tokens/refresh") { request, _ in
            let claims = try bearer(request, required: true)!
            let issued: (token: String, claims: DirectLineClaims)
            do throws(DirectLineTokenError) { issued = try backend.signer.refresh(claims) } catch { throw Self.refused(error) }
            return JSONResponse.make(.object([("token", .string(issued.token)), ("expires_in", .int(issued.claims.expires - issued.claims.issuedAt)),
                                              ("conversationId", .string(claims.conversation))]))
        }
        router.post("\(prefix)/conversations") { request, _ in
            let body = try await input.jsonObject(request, optional: true) ?? [:]
            let claims: DirectLineClaims
            if let given = try bearer(request, required: !legacy) {
                if let bound = given.conversation { throw Self.refused(.conversationBound(bound)) }
                claims = given
            } else {
                let ctx = try context(query: try input.query(request), body: body)
                claims = backend.signer.issue(user: try Self.user(body) ?? "user:\(UUID().uuidString.lowercased())",
                                              env: ctx.env, tenant: ctx.tenant, team: ctx.team).claims
            }
            guard let id = await backend.conversations.start(user: claims.user, env: claims.env, tenant: claims.tenant, team: claims.team) else {
                throw APIError(.tooManyRequests, "too_many_conversations",
                               "the server holds webchat.max_conversations (\(backend.config.maxConversations)) conversations in use; retry when one has been idle for a token lifetime")
            }
            let bound = backend.signer.issue(user: claims.user, env: claims.env, tenant: claims.tenant, team: claims.team, conversation: id,
                                             authTime: claims.authTime)
            let stream = "\(state.streamBaseURL)/v3/directline/conversations/\(id)/stream?t=\(bound.token)"
            return JSONResponse.make(.object([("conversationId", .string(id)), ("token", .string(bound.token)),
                                              ("expires_in", .int(bound.claims.expires - bound.claims.issuedAt)), ("streamUrl", .string(stream))]),
                                     status: legacy ? .ok : .created)
        }
        router.post("\(prefix)/conversations/:id/activities") { request, context in
            let id = try context.parameters.require("id")
            let claims = try bearer(request, required: true)!
            try Self.check(claims, conversation: id)
            guard let owner = await backend.conversations.context(of: id) else { throw Self.unknownConversation(id) }
            let activity = try await userActivity(request, user: claims.user)
            var stored = activity
            if activity["type"]?.stringValue == "message" {
                let runner = RunnerActivity(flow: backend.flow(packs: state.packIndex.entries), tenant: owner.tenant, team: owner.team,
                                            user: claims.user,
                                            payload: DirectLineBackend.runnerPayload(activity, conversation: id, user: claims.user))
                let event: RunnerEvent
                do {
                    event = try await state.runActivity(runner)
                } catch let error as RunnerBridgeError {
                    throw APIError(.badGateway, "runner_error", "\(error) (the activity was not stored)")
                }
                guard let user = await backend.conversations.append([activity], to: id)?.first else { throw Self.unknownConversation(id) }
                stored = user
                _ = await backend.conversations.append(DirectLineBackend.botActivities(from: event.result, replyTo: user["id"]), to: id)
            } else {
                guard let user = await backend.conversations.append([activity], to: id)?.first else { throw Self.unknownConversation(id) }
                stored = user
            }
            if legacy {
                return JSONResponse.make(.object([("id", .value(stored["id"] ?? .null)), ("type", .value(stored["type"] ?? "message")),
                                                  ("accepted", .bool(true))]), status: .accepted)
            }
            return JSONResponse.make(.object([("id", .value(stored["id"] ?? .null))]), status: .created)
        }
        router.get("\(prefix)/conversations/:id/activities") { request, context in
            let id = try context.parameters.require("id")
            try Self.check(try bearer(request, required: true)!, conversation: id)
            let watermark = try Self.watermark(try input.query(request)["watermark"])
            guard let page = await backend.conversations.activities(of: id, after: watermark) else { throw Self.unknownConversation(id) }
            return JSONResponse.make(.object([("activities", .array(page.activities.map { .value($0) })), ("watermark", .string("\(page.watermark)"))]))
        }
        if !legacy {
            router.get("\(prefix)/conversations/:id/stream") { request, _ -> Response in
                _ = try await DirectLineStream.target(path: request.uri.description, headers: request.headers, state: state)
                throw APIError.badRequest("websocket_required", "the stream URL must be opened with a WebSocket upgrade")
            }
        }
    }

    // MARK: Input

    /// The user id of a token request: `{"user": {"id": "u-1"}}` or `{"user": "u-1"}`.
    static func user(_ body: [String: JSONValue]) throws -> String? {
        switch body["user"] {
        case nil, .null?: return nil
        case .string(let s)?: return try RequestInput.identifier(RequestInput.trimmed(s), "user")
        case .object(let o)?:
            guard let id = o["id"]?.stringValue else { throw APIError.unprocessable("user.id must be a string") }
            return try RequestInput.identifier(RequestInput.trimmed(id), "user.id")
        case let other?: throw APIError.unprocessable("user must be an object {id} or a string, not \(other.typeName)")
        }
    }

    /// env, tenant and team from the query (`?env=&tenant=&team=`; empty = not given), then the
    /// body, then the server's defaults (`dev` for env and tenant). An invalid body field is
    /// refused even when the query gives the value.
    func context(query: [String: String], body: [String: JSONValue]) throws -> (env: String, tenant: String, team: String?) {
        func value(_ name: String) throws -> String? {
            let fromBody = try RequestInput.identifier(RequestInput.trimmed(RequestInput.string(body, name)), name)
            return try RequestInput.identifier(RequestInput.trimmed(query[name]), name) ?? fromBody
        }
        let defaults = state.config.defaults
        return (try value("env") ?? "dev", try value("tenant") ?? defaults.tenant ?? "dev", try value("team") ?? defaults.team)
    }

    /// The verified bearer token; nil when absent and not required.
    func bearer(_ request: Request, required: Bool) throws -> DirectLineClaims? {
        switch BearerCredential.token(in: request.headers) {
        case nil:
            if required { throw Self.refused(.missing) }
            return nil
        case .failure(let malformed)?:
            throw Self.refused(.invalid("\(malformed)"))
        case .success(let token)?:
            do { return try backend.signer.verify(token) } catch { throw Self.refused(error) }
        }
    }

    /// The posted activity, validated: a JSON object within `max_activity_bytes`, `type` and
    /// `text` strings when present (type defaults to `message`, a message needs text or a
    /// value), `from` forced to the token's user with role `user`; client ids are replaced.
    func userActivity(_ request: Request, user: String) async throws -> JSONValue {
        let limit = min(backend.config.maxActivityBytes, input.maxBodyBytes)
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError(.contentTooLarge, "activity_too_large", "an activity may have at most \(limit) bytes, this one has \(length)")
        }
        let body: [String: JSONValue]
        do {
            body = try await RequestInput(maxBodyBytes: limit, bodyTimeout: input.bodyTimeout).jsonObject(request) ?? [:]
        } catch let error as APIError where error.code == "body_too_large" {
            throw APIError(.contentTooLarge, "activity_too_large", "an activity may have at most \(limit) bytes")
        } catch let error as APIError where error.status == .unprocessableContent {
            throw APIError.badRequest("invalid_activity", error.message)
        }
        var a = body
        guard a["type"] == nil || a["type"]?.stringValue?.isEmpty == false else {
            throw APIError.badRequest("invalid_activity", "type must be a non-empty string")
        }
        a["type"] = a["type"] ?? "message"
        if let text = a["text"], text.stringValue == nil, text != .null {
            throw APIError.badRequest("invalid_activity", "text must be a string, not \(text.typeName)")
        }
        if a["type"] == "message", (a["text"]?.stringValue ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, a["value"] == nil,
           a["attachments"] == nil {
            throw APIError.badRequest("invalid_activity", "a message needs text, a value or attachments")
        }
        if let attachments = a["attachments"], attachments.arrayValue == nil {
            throw APIError.badRequest("invalid_activity", "attachments must be an array")
        }
        var from: [String: JSONValue] = ["id": .string(user), "role": "user"]
        if let name = a["from"]?["name"]?.stringValue { from["name"] = .string(name) }
        a["from"] = .object(from)
        a["id"] = nil
        a["watermark"] = nil
        return .object(a)
    }

    static func watermark(_ raw: String?) throws(APIError) -> Int? {
        guard let raw, !raw.isEmpty else { return nil }
        // Digits only (no sign, no space), so the OpenAPI pattern and this check agree.
        guard raw.utf8.count <= 18, raw.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let n = Int(raw) else {
            throw APIError.badRequest("invalid_watermark", "watermark must be a non-negative integer of at most 18 digits, got '\(raw.prefix(40))'")
        }
        return n
    }

    /// A conversation's activities are reachable only with a token bound to it.
    static func check(_ claims: DirectLineClaims, conversation id: String) throws(APIError) {
        guard claims.conversation == id else { throw refused(.wrongConversation(expected: id, bound: claims.conversation)) }
    }

    static func refused(_ error: DirectLineTokenError) -> APIError {
        switch error {
        case .missing, .invalid, .expired, .lifetimeExceeded: APIError(.unauthorized, error.code, error.description)
        case .wrongConversation, .conversationBound: APIError(.forbidden, error.code, error.description)
        }
    }

    static func unknownConversation(_ id: String) -> APIError {
        APIError(.notFound, "conversation_not_found", "no conversation \(id) (it never existed or was evicted)")
    }
}
