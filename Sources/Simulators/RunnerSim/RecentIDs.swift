/// The last `capacity` ids seen, for dropping redelivered activities: `insert` says whether an
/// id is new and remembers it, forgetting the oldest once full. A ring buffer, so forgetting is
/// O(1) (the array's `removeFirst` it replaces moved 10,000 ids on every new activity).
package struct RecentIDs: Sendable {
    let capacity: Int
    private var members: Set<String> = []
    private var ring: [String] = []
    private var oldest = 0

    package init(capacity: Int) {
        precondition(capacity > 0, "RecentIDs needs a positive capacity")
        self.capacity = capacity
        ring.reserveCapacity(capacity)
    }

    package var count: Int { members.count }

    package func contains(_ id: String) -> Bool { members.contains(id) }

    /// True when `id` was not among the remembered ones (it is remembered now).
    @discardableResult
    package mutating func insert(_ id: String) -> Bool {
        guard !members.contains(id) else { return false }
        members.insert(id)
        if ring.count < capacity {
            ring.append(id)
        } else {
            members.remove(ring[oldest])
            ring[oldest] = id
            oldest = (oldest + 1) % capacity
        }
        return true
    }
}
