// nats.go's numbers on the same server, the reference a fast client is measured against.
// Same arguments and JSON output as the other baselines: natsgo URL SMALL_COUNT LARGE_COUNT REQUESTS.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"sync"
	"time"

	nats "github.com/nats-io/nats.go"
)

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "natsgo:", err)
		os.Exit(1)
	}
}

func pubsub(url string, count, size int) float64 {
	pub, err := nats.Connect(url)
	must(err)
	sub, err := nats.Connect(url)
	must(err)
	subject := fmt.Sprintf("gobench.%d", size)
	var done sync.WaitGroup
	done.Add(1)
	n := 0
	s, err := sub.Subscribe(subject, func(*nats.Msg) {
		n++
		if n == count {
			done.Done()
		}
	})
	must(err)
	must(s.SetPendingLimits(-1, -1))
	must(sub.Flush())
	payload := make([]byte, size)
	start := time.Now()
	for i := 0; i < count; i++ {
		must(pub.Publish(subject, payload))
	}
	must(pub.Flush())
	done.Wait()
	elapsed := time.Since(start).Seconds()
	pub.Close()
	sub.Close()
	return float64(count) / elapsed
}

func roundTrip(url string, count int) float64 {
	server, err := nats.Connect(url)
	must(err)
	client, err := nats.Connect(url)
	must(err)
	_, err = server.Subscribe("gobench.rr", func(m *nats.Msg) { m.Respond(m.Data) })
	must(err)
	must(server.Flush())
	samples := make([]float64, 0, count)
	for i := 0; i < count+100; i++ {
		start := time.Now()
		_, err := client.Request("gobench.rr", []byte("x"), 5*time.Second)
		must(err)
		if i >= 100 {
			samples = append(samples, float64(time.Since(start).Nanoseconds())/1e3)
		}
	}
	sort.Float64s(samples)
	server.Close()
	client.Close()
	return samples[len(samples)/2]
}

func main() {
	if len(os.Args) != 5 {
		fmt.Fprintln(os.Stderr, "usage: natsgo URL SMALL_COUNT LARGE_COUNT REQUESTS")
		os.Exit(2)
	}
	small, _ := strconv.Atoi(os.Args[2])
	large, _ := strconv.Atoi(os.Args[3])
	requests, _ := strconv.Atoi(os.Args[4])
	out, _ := json.Marshal(map[string]float64{
		"small":  pubsub(os.Args[1], small, 16),
		"large":  pubsub(os.Args[1], large, 1024),
		"rtt_us": roundTrip(os.Args[1], requests),
	})
	fmt.Println(string(out))
}
