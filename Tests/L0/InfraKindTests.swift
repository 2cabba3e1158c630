import GreenticTestKit
import Testing

@Suite("Infrastructure kinds, clusters and the external Redis sweep")
struct InfraKindTests {
    @Test func aClusterIsNATSWithNodesAndStandsForNATS() throws {
        let cluster = InfraKind.natsCluster(nodes: 3)
        #expect(cluster.service == .nats && cluster.nodes == 3 && cluster.isCluster && cluster.rawValue == "nats-cluster-3")
        #expect(cluster.single == .nats && cluster.externalURLVariable == "E2E_NATS_URL")
        #expect(InfraKind.natsCluster(nodes: 1) == .nats && !InfraKind.nats.isCluster)
        #expect(InfraKind(rawValue: "redis") == .redis && InfraKind(rawValue: "nats-cluster-3") == nil)
        #expect(InfraKind.allCases == [.nats, .postgres, .redis])
        #expect(try TestEnv.normalized([.nats, cluster, .redis, .redis]) == [cluster, .redis])
        #expect(try TestEnv.normalized([.postgres, .nats]) == [.postgres, .nats])
        #expect(throws: TestEnvError.self) { try TestEnv.normalized([cluster, .natsCluster(nodes: 5)]) }
    }

    @Test func endpointsListEachNode() {
        let endpoints = InfraEndpoints(backend: "native", natsURL: "nats://127.0.0.1:1, nats://127.0.0.1:2,")
        #expect(endpoints.natsURLs == ["nats://127.0.0.1:1", "nats://127.0.0.1:2"])
        #expect(InfraEndpoints().natsURLs.isEmpty)
    }

    @Test func theSweepDeletesOnlyKeysCarryingTheToken() {
        #expect(ExternalRedisSweep.pattern(token: "a1b2c3") == "*a1b2c3*")
        #expect(ExternalRedisSweep.pattern(token: "a*[b]?\\") == #"*a\*\[b\]\?\\*"#)
        let plain = ExternalRedisSweep.commands(url: "redis://127.0.0.1:6379", token: "tok")
        #expect(plain.count == 1 && plain[0][0] == "EVAL" && plain[0][2] == "0" && plain[0][3] == "*tok*")
        let guarded = ExternalRedisSweep.commands(url: "redis://:s%40cret@127.0.0.1:6379/4", token: "tok")
        #expect(guarded.map { $0[0] } == ["AUTH", "SELECT", "EVAL"])
        #expect(guarded[0] == ["AUTH", "s@cret"] && guarded[1] == ["SELECT", "4"])
    }
}
