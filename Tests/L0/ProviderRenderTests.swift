import Foundation
import GreenticTestKit
import Simulators
import TestSupport
import Testing

@Suite("Per-provider rendering and envelopes", .tags(.simulators, .providersSim))
struct ProviderRenderTests {
    let card: JSONValue = ["type": "AdaptiveCard", "body": [["type": "TextBlock", "text": "Order 7"], ["type": "Container", "items": [["type": "TextBlock", "text": "Paid"]]]],
                           "actions": [["type": "Action.Submit", "title": "Track"]]]

    func render(_ step: JSONValue, _ profile: ProviderProfile) -> (JSONValue, [JSONValue]) {
        var notes: [JSONValue] = []
        let out = ProviderRender.renderStep(step, index: 0, provider: profile, notes: &notes)
        return (out, notes)
    }

    @Test func nativeProviderKeepsCardsAndButtons() {
        let web = ProviderProfile(name: "web", capabilities: ["buttons", "adaptive_cards"], maxTextLength: nil, maxButtons: nil)
        let (out, notes) = render(["actor": "bot", "message": "Pick", "options": ["A", "B"], "card": card], web)
        #expect(out["text"] == "Pick" && out["buttons"] == ["A", "B"])
        #expect(out.value(atPath: "attachments.0.content") == card)
        #expect(notes.isEmpty)
    }

    @Test func plainProviderGetsSummariesAndCuts() {
        let sms = ProviderProfile(name: "sms", capabilities: ["send_message"], maxTextLength: 20, maxButtons: nil)
        let (out, notes) = render(["actor": "bot", "message": "Pick", "options": ["A", "B"], "card": card], sms)
        #expect(out["text"] == "Pick\nOrder 7\nPaid\n[…")
        #expect(out["limit_exceeded"] == true && out["buttons"] == nil && out["attachments"] == nil)
        #expect(notes.compactMap { $0["capability"]?.stringValue } == ["adaptive_cards", "buttons", "max_text_len"])
        let few = ProviderProfile(name: "few", capabilities: ["buttons"], maxTextLength: nil, maxButtons: 1)
        let (limited, limitedNotes) = render(["actor": "bot", "message": "Pick", "options": ["A", "B", "C"]], few)
        #expect(limited["buttons"] == ["A"] && limited["text"] == "Pick [B, C]")
        #expect(limitedNotes.count == 1)
    }

    @Test func projectFixturesAreValidEnvelopes() throws {
        let f = Fixture(root: Paths.fixtures)
        #expect(EnvelopeValidator.channelMessage(try f.json("inputs/channel_message.json")) == [])
        #expect(EnvelopeValidator.event(try f.json("inputs/build_status_event.json")) == [])
        #expect(EnvelopeValidator.event(try f.json("inputs/rebuild_request_event.json")) == [])
    }

    @Test func brokenEnvelopesAreNamed() {
        #expect(EnvelopeValidator.tenantContext(["env": "dev", "tenant": "a", "tenant_id": "b", "team": "x", "attempt": -1]) == [
            "tenant: tenant 'a' and tenant_id 'b' must be equal",
            "tenant: team and team_id must both be present and equal, or both absent",
            "tenant.attempt: must be an integer ≥ 0",
        ])
        #expect(EnvelopeValidator.event(["id": "e 1", "topic": "t", "type": "x", "source": "s", "time": "yesterday", "tenant": ["env": "dev", "tenant": "a", "tenant_id": "a", "attempt": 0]])
                == ["id: 'e 1' is not an identifier", "time: 'yesterday' is not RFC 3339", "payload: required"])
        #expect(EnvelopeValidator.channelMessage(["id": "m", "channel": "webchat", "metadata": ["n": 1]]) == ["session_id: required non-empty string", "tenant: required", "metadata: must map strings to strings"])
    }
}
