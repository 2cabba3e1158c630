import Foundation
import GreenticTestKit

/// Messages wanted on a subject: how many (`min`…`max`), how soon, matching what.
public struct MessageExpectation: Sendable, Equatable {
    public var subject: String
    public var min: Int
    public var max: Int?
    public var within: Duration
    public var matchers: [MessageMatcher]
    /// Stores the first matching message's JSON (or text) under this name.
    public var capture: String?

    public init(subject: String, min: Int = 1, max: Int? = nil, within: Duration = .seconds(5),
                matchers: [MessageMatcher] = [], capture: String? = nil) {
        self.subject = subject
        self.min = min
        self.max = max
        self.within = within
        self.matchers = matchers
        self.capture = capture
    }

    var countDescription: String {
        switch (min, max) {
        case (let lo, let hi?) where lo == hi: "exactly \(lo)"
        case (let lo, let hi?): "\(lo) to \(hi)"
        case (let lo, nil): "at least \(lo)"
        }
    }
}
