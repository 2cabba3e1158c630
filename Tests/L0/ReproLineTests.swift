import Foundation
import GreenticTestKit
import GreenticTestKitTesting
import Testing

@Suite("Repro lines")
struct ReproLineTests {
    @Test func projectTiersRerunThroughE2EWithTheSettingsThatMatter() {
        let id = "L2.StackSuitesTests/waitingFlowIsResumedThroughTheFixtureServer()/StackSuitesTests.swift:134:6"
        #expect(ReproLine.line(testID: id, environment: ["E2E_INFRA": "native"])
                == #"repro: E2E_INFRA=native scripts/e2e.sh l2 --focus 'StackSuitesTests/waitingFlowIsResumedThroughTheFixtureServer\(\)'"#)
        #expect(ReproLine.line(testID: id, environment: ["CI": "true", "E2E_SEED": "42"])
                == #"repro: E2E_STRICT=1 E2E_INFRA=auto E2E_SEED=42 scripts/e2e.sh l2 --focus 'StackSuitesTests/waitingFlowIsResumedThroughTheFixtureServer\(\)'"#)
    }

    @Test func otherPackagesRerunThroughSwiftTestFilter() {
        #expect(ReproLine.line(testID: "MyTests.Orders/placed(n:)/Orders.swift:3:2", environment: [:])
                == #"repro: E2E_INFRA=auto swift test --filter '^MyTests\.Orders/placed\(n:\)(/|$)'"#)
        #expect(ReproLine.line(testID: "MyTests.Quote/it's()", environment: [:]).hasSuffix(#"'^MyTests\.Quote/it'\''s\(\)(/|$)'"#))
    }
}
