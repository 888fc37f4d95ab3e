package store

import "sync"

// writeLock lets one writer at a time into the database, and lets a record of a sent mail go
// before the other writers that wait. The outbox records each mail the server accepted in a
// write of its own, right after the send; until that write commits, a crash would send the
// mail again. Behind the intake's handler, which writes a complaint's whole registration in
// one write after another during a backlog, that record waited for several of them. With
// this lock it waits for the write under way at most.
//
// It is the classic lock with two classes of waiters: a prompt writer takes next and then mu,
// and holds next while it waits for mu, so that no other writer gets in before it; the other
// writers take low first, so that at most one of them stands in line at next.
type writeLock struct {
	low  sync.Mutex // the other writers, one at a time, before next
	next sync.Mutex // who takes mu next
	mu   sync.Mutex // the writer
}

// lock waits for the writer's place; prompt writers go before the others that wait.
func (l *writeLock) lock(prompt bool) {
	if !prompt {
		l.low.Lock()
	}
	l.next.Lock()
	l.mu.Lock()
	l.next.Unlock()
}

// unlock gives the writer's place up; prompt must be as for lock.
func (l *writeLock) unlock(prompt bool) {
	l.mu.Unlock()
	if !prompt {
		l.low.Unlock()
	}
}
