import Foundation
import GreenticTestKit

/// The result of resolving packs for a tenant/team/user.
package struct PackResolution: Sendable, Equatable {
    public var packs: [PackEntry]
    public var resolvedKeys: [String]
    public var missingKeys: [String]

    public var listingJSON: OrderedJSON {
        .object([
            ("count", .int(packs.count)),
            ("packs", .array(packs.map(\.listingJSON))),
            ("resolved_keys", .array(resolvedKeys.map { .string($0) })),
            ("missing_keys", .array(missingKeys.map { .string($0) })),
        ])
    }
}
