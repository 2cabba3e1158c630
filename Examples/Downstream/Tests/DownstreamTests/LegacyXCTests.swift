import Foundation
import GreenticTestKit
import ScenarioDSL
import XCTest

/// XCTest: `TestEnv.with` gives the same per-test environment without Swift Testing traits.
final class LegacyXCTests: XCTestCase {
    func testRequestReplyThroughARealNATSServer() async throws {
        guard (try? NativeBinaries.locate("nats-server")) != nil else {
            if StrictMode.isStrict(ProcessInfo.processInfo.environment) { XCTFail("nats-server is missing (apt-get install nats-server)") }
            throw XCTSkip("nats-server is missing (apt-get install nats-server)")
        }
        try await TestEnv.with(name: "LegacyXCTests.requestReply", infra: [.nats]) { env in
            let nats = try await NATSClient.connect(url: try env.natsURL())
            let inbox = try await nats.subscribe("\(env.subjectPrefix).ping")
            let responder = Task {
                for await message in inbox {
                    if let reply = message.replyTo { try await nats.publish(reply, text: "pong") }
                }
            }
            try await nats.flush()
            let answer = try await nats.request("\(env.subjectPrefix).ping", payload: Data("ping".utf8))
            XCTAssertEqual(answer.text, "pong")
            responder.cancel()
            await nats.close()
        }
    }
}
