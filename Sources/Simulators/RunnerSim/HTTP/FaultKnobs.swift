import GreenticHTTP
import GreenticTestKit

/// A `POST /runner/faults` body, validated as a whole before anything changes:
/// `{"fail": {component: count}, "latency_ms": n | null, "drop_nats": true | false}`, every
/// member optional. A latency of 0 or null removes the delay.
package struct FaultKnobs: Equatable, Sendable {
    /// Component id → how many of its next attempts fail.
    package var failures: [String: Int] = [:]
    /// nil: leave the latency as it is; `.some(nil)`: remove it.
    package var latency: Duration??
    package var dropNATS = false

    static let shape = #"expected {"fail": {component: count}, "latency_ms": n, "drop_nats": true}"#

    package init(failures: [String: Int] = [:], latency: Duration?? = nil, dropNATS: Bool = false) {
        self.failures = failures
        self.latency = latency
        self.dropNATS = dropNATS
    }

    /// Parses a request body (nil when it was not JSON); throws a 400 naming the first bad member.
    package init(json body: JSONValue?) throws(APIError) {
        guard let body, case .object(let o) = body else { throw .badRequest("invalid_faults", Self.shape) }
        if let unknown = o.keys.sorted().first(where: { !["fail", "latency_ms", "drop_nats"].contains($0) }) {
            throw .badRequest("invalid_faults", "unknown member '\(unknown)': \(Self.shape)")
        }
        if let fail = o["fail"] {
            guard case .object(let counts) = fail else { throw .badRequest("invalid_faults", "fail must be an object of component: count") }
            for (component, count) in counts {
                guard let n = count.intValue, n >= 0 else { throw .badRequest("invalid_faults", "fail.\(component) must be a count of 0 or more") }
                failures[component] = n
            }
        }
        if let raw = o["latency_ms"] {
            if raw == .null {
                latency = .some(nil)
            } else {
                guard let ms = raw.intValue, ms >= 0 else { throw .badRequest("invalid_faults", "latency_ms must be 0 or more") }
                latency = .some(ms == 0 ? nil : .milliseconds(ms))
            }
        }
        if let drop = o["drop_nats"] {
            guard let value = drop.boolValue else { throw .badRequest("invalid_faults", "drop_nats must be true or false") }
            dropNATS = value
        }
    }

    /// Sets the knobs on a running simulator.
    func apply(to sim: RunnerSimulator) {
        failures.sorted { $0.key < $1.key }.forEach { sim.failNext($0.key, times: $0.value) }
        if let latency { sim.setLatency(latency) }
        if dropNATS { sim.nats.dropConnection() }
    }
}
