import Foundation
import GreenticTestKit

/// Collects matchers in `Expect(...) { $0.json("text", contains: "x") }`.
public final class MatchBuilder {
    public private(set) var matchers: [MessageMatcher] = []

    public init() {}

    @discardableResult public func json(_ path: String, equals value: JSONValue) -> Self { add(.path(path, .equals(value))) }
    @discardableResult public func json(_ path: String, contains text: String) -> Self { add(.path(path, .contains(text))) }
    @discardableResult public func json(_ path: String, matches regex: String) -> Self { add(.path(path, .matches(regex))) }
    @discardableResult public func json(has path: String) -> Self { add(.path(path, .exists)) }
    @discardableResult public func partial(_ pattern: JSONValue) -> Self { add(.partial(pattern)) }
    @discardableResult public func header(_ name: String, equals value: String) -> Self { add(.header(name, .equals(.string(value)))) }
    @discardableResult public func header(_ name: String, matches regex: String) -> Self { add(.header(name, .matches(regex))) }
    @discardableResult public func text(contains text: String) -> Self { add(.text(.contains(text))) }

    private func add(_ m: MessageMatcher) -> Self {
        matchers.append(m)
        return self
    }
}
