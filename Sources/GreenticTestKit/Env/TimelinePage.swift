import Foundation

/// `timeline.html`: one self-contained page (no network) drawn from `timeline.jsonl` — a lane per
/// source (the scenario's steps, each service, each NATS subject, the harness), time on one
/// axis, the failing expectation highlighted and summarised at the top, each event's data shown
/// when it is clicked. Written next to the timeline when a test fails, and by
/// `greentic-integration timeline render DIR`.
package enum TimelinePage {
    /// Subjects drawn as lanes of their own; the rest share the lane "nats: other subjects".
    static let maximumSubjectLanes = 40

    /// A lane and its events.
    struct Lane {
        var id: String
        var label: String
        var group: String
        var events: [Int] = []
    }

    /// Renders the page for the timeline at `timeline` to `page` (default: `timeline.html`
    /// beside it) and returns the page's path.
    @discardableResult
    public static func write(timeline: URL, to page: URL? = nil, title: String? = nil) throws -> URL {
        let data = try Data(contentsOf: timeline)
        let target = page ?? timeline.deletingLastPathComponent().appendingPathComponent("timeline.html")
        let html = render(jsonl: data, title: title ?? timeline.deletingLastPathComponent().lastPathComponent)
        try Data(html.utf8).write(to: target, options: .atomic)
        return target
    }

    /// The page for the lines of a `timeline.jsonl` (lines that are not JSON are skipped).
    public static func render(jsonl: Data, title: String) -> String {
        var events: [JSONValue] = []
        for line in jsonl.split(separator: 0x0A) where !line.isEmpty {
            if let event = try? JSONValue.parse(Data(line)), event.objectValue != nil { events.append(event) }
        }
        var lanes: [Lane] = []
        var laneIndex: [String: Int] = [:]
        var subjectLanes = 0
        var laneOfEvent: [Int] = []
        var failures: [String] = []
        var failedEvents: [Int] = []
        for (i, event) in events.enumerated() {
            let kind = event["kind"]?.stringValue ?? ""
            let source = event["source"]?.stringValue ?? ""
            let data = event["data"] ?? .object([:])
            var key: String
            var label: String
            var group: String
            switch kind {
            case "step", "expectation":
                key = "steps:\(source)"; label = source.hasPrefix("scenario:") ? "steps: \(source.dropFirst(9))" : "steps: \(source)"; group = "steps"
            case "service", "log":
                key = "service:\(source)"; label = "service: \(source)"; group = "service"
            case "message":
                let subject = data["subject"]?.stringValue ?? "?"
                if laneIndex["nats:\(subject)"] == nil && subjectLanes >= maximumSubjectLanes {
                    key = "nats:*"; label = "nats: other subjects"
                } else {
                    key = "nats:\(subject)"; label = "nats: \(subject)"
                }
                group = "nats"
            default:
                key = "harness:\(source)"; label = "\(kind): \(source)"; group = "harness"
            }
            if laneIndex[key] == nil {
                if group == "nats" && key != "nats:*" { subjectLanes += 1 }
                laneIndex[key] = lanes.count
                lanes.append(Lane(id: key, label: label, group: group))
            }
            lanes[laneIndex[key]!].events.append(i)
            laneOfEvent.append(laneIndex[key]!)
            let failed = data["event"]?.stringValue == "failed" || (kind == "env" && data["failed"]?.boolValue == true)
                || data["event"]?.stringValue == "leak"
            if failed {
                failedEvents.append(i)
                if kind == "expectation" {
                    let index = data["index"]?.doubleValue.map { " \(Int($0) + 1)" } ?? ""
                    failures.append("step\(index) (\(data["kind"]?.stringValue ?? "expectation")) failed: \(data["message"]?.stringValue ?? "")")
                } else if kind == "service" {
                    failures.append("service \(source) failed: \(data["error"]?.stringValue ?? "")")
                }
            }
        }
        let order: [String: Int] = ["steps": 0, "service": 1, "nats": 2, "harness": 3]
        let sortedLanes = lanes.enumerated().sorted { a, b in
            let (ga, gb) = (order[a.element.group] ?? 9, order[b.element.group] ?? 9)
            return ga != gb ? ga < gb : a.offset < b.offset
        }.map(\.element)
        let payload: JSONValue = [
            "title": .string(title),
            "events": .array(events),
            "lanes": .array(sortedLanes.map { lane in
                ["id": .string(lane.id), "label": .string(lane.label), "group": .string(lane.group),
                 "events": .array(lane.events.map { .number(Double($0)) })]
            }),
            "failed": .array(failedEvents.map { .number(Double($0)) }),
            "failures": .array(failures.map { .string($0) }),
        ]
        // `</` inside the data would end the script element early.
        let embedded = JSONWriter.compact(payload).replacingOccurrences(of: "</", with: "<\\/")
        return page.replacingOccurrences(of: "__TITLE__", with: escape(title)).replacingOccurrences(of: "__DATA__", with: embedded)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static let page = #"""
    <!DOCTYPE html>
    <html lang="en"><head><meta charset="utf-8"><title>timeline: __TITLE__</title>
    <style>
    body{font:13px system-ui,sans-serif;margin:0;color:#222;background:#fafafa}
    header{padding:10px 16px;background:#fff;border-bottom:1px solid #ddd}
    h1{font-size:16px;margin:0 0 4px}
    #failure{margin:6px 0 0;padding:8px 10px;background:#fde8e8;border:1px solid #e0a0a0;white-space:pre-wrap;font-family:monospace;display:none}
    #failure.shown{display:block}
    #lanes{padding:8px 16px}
    .lane{display:flex;align-items:center;border-bottom:1px solid #eee;min-height:22px}
    .lane-label{width:300px;flex:none;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;font-family:monospace;font-size:12px;padding-right:8px}
    .lane[data-group=steps] .lane-label{color:#1a5fb4}.lane[data-group=service] .lane-label{color:#26a269}
    .lane[data-group=nats] .lane-label{color:#9141ac}.lane[data-group=harness] .lane-label{color:#777}
    .track{position:relative;flex:1;height:18px;background:#fff;border-left:1px solid #ccc}
    .event{position:absolute;top:3px;width:7px;height:12px;margin-left:-3px;border-radius:2px;cursor:pointer;background:#888;opacity:.85}
    .lane[data-group=steps] .event{background:#1a5fb4}.lane[data-group=service] .event{background:#26a269}
    .lane[data-group=nats] .event{background:#9141ac}
    .event.failed{background:#c01c28 !important;width:11px;height:16px;top:1px;margin-left:-5px;opacity:1;outline:2px solid #f66}
    .event.selected{outline:2px solid #000}
    #axis{display:flex;margin-left:300px;font-size:11px;color:#666;justify-content:space-between;padding:2px 16px 0 0}
    #detail{margin:8px 16px;padding:8px;background:#fff;border:1px solid #ddd;white-space:pre-wrap;font-family:monospace;font-size:12px;min-height:40px}
    </style></head>
    <body>
    <header><h1>timeline: __TITLE__</h1><div id="summary"></div><div id="failure"></div></header>
    <div id="axis"></div>
    <div id="lanes"></div>
    <pre id="detail">Click an event to see its data.</pre>
    <script type="application/json" id="timeline-data">__DATA__</script>
    <script>
    (function(){
      var d = JSON.parse(document.getElementById('timeline-data').textContent);
      var ev = d.events, failed = {}, maxT = 0;
      d.failed.forEach(function(i){ failed[i] = true; });
      ev.forEach(function(e){ if (typeof e.t_ms === 'number' && e.t_ms > maxT) maxT = e.t_ms; });
      if (maxT <= 0) maxT = 1;
      document.getElementById('summary').textContent = ev.length + ' events, ' + d.lanes.length + ' lanes, ' + maxT.toFixed(1) + ' ms';
      if (d.failures.length) { var f = document.getElementById('failure'); f.textContent = d.failures.join('\n'); f.className = 'shown'; }
      var axis = document.getElementById('axis');
      for (var k = 0; k <= 4; k++) { var s = document.createElement('span'); s.textContent = (maxT * k / 4).toFixed(0) + ' ms'; axis.appendChild(s); }
      var lanes = document.getElementById('lanes'), detail = document.getElementById('detail'), selected = null;
      d.lanes.forEach(function(lane){
        var row = document.createElement('div'); row.className = 'lane'; row.dataset.group = lane.group; row.dataset.lane = lane.id;
        var label = document.createElement('div'); label.className = 'lane-label'; label.textContent = lane.label; label.title = lane.label;
        var track = document.createElement('div'); track.className = 'track';
        lane.events.forEach(function(i){
          var e = ev[i], m = document.createElement('div');
          m.className = 'event' + (failed[i] ? ' failed' : ''); m.dataset.index = i;
          m.style.left = (100 * (e.t_ms || 0) / maxT) + '%';
          m.title = (e.t_ms || 0).toFixed(3) + ' ms ' + e.kind + (e.data && e.data.event ? ' ' + e.data.event : '');
          m.addEventListener('click', function(){
            if (selected) selected.classList.remove('selected');
            selected = m; m.classList.add('selected');
            detail.textContent = JSON.stringify(e, null, 2);
          });
          track.appendChild(m);
        });
        row.appendChild(label); row.appendChild(track); lanes.appendChild(row);
      });
      if (d.failed.length) {
        var first = document.querySelector('.event.failed');
        if (first) first.click();
      }
    })();
    </script>
    </body></html>
    """#
}
