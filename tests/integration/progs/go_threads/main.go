// go_threads: 50 goroutines over 4 OS threads (mutex, sleeps), a CPU-bound goroutine that
// forces async preemption (SIGURG), and a temp file round trip. Prints "50 10000 hello 1".

package main

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"
)

func main() {
	runtime.GOMAXPROCS(4)
	var wg sync.WaitGroup
	ch := make(chan int)
	var mu sync.Mutex
	total := 0
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 200; j++ {
				mu.Lock()
				total++
				mu.Unlock()
				if j%50 == 0 {
					time.Sleep(time.Millisecond)
				}
			}
			ch <- i
		}(i)
	}
	go func() { wg.Wait(); close(ch) }()
	n := 0
	for range ch {
		n++
	}
	// a CPU-bound goroutine forces async preemption (SIGURG)
	done := make(chan bool)
	go func() { x := 0; for k := 0; k < 300000000; k++ { x += k }; _ = x; done <- true }()
	<-done
	f, _ := os.CreateTemp("", "gotest")
	f.WriteString("hello")
	f.Close()
	b, _ := os.ReadFile(f.Name())
	os.Remove(f.Name())
	fmt.Println(n, total, string(b), runtime.NumGoroutine())
}
