import Foundation
import GreenticTestKit

/// What one provider can show, from the capability map: its capability names plus optional
/// `limits` (`max_text_len`, `max_buttons`).
package struct ProviderProfile: Sendable, Equatable {
    public var name: String
    public var capabilities: Set<String>
    public var maxTextLength: Int?
    public var maxButtons: Int?

    public init(name: String, capabilities: Set<String>, maxTextLength: Int? = nil, maxButtons: Int? = nil) {
        self.name = name
        self.capabilities = capabilities
        self.maxTextLength = maxTextLength
        self.maxButtons = maxButtons
    }

    public var supportsButtons: Bool { capabilities.contains("buttons") }
    public var supportsCards: Bool { capabilities.contains("adaptive_cards") }
}
