import Foundation
import GreenticTestKit

/// A message body: JSON, text, or nothing.
public enum StepPayload: Sendable, Equatable {
    case none
    case json(JSONValue)
    case text(String)
}
