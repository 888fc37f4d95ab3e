package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
)

// Statements are prepared once per connection and kept across transactions. Preparing was
// most of a small transaction's cost: every ExecContext and QueryContext parsed its SQL
// again. The cache sits under database/sql, in the connection itself, so every query of the
// package (transactions, plain reads, the writes of Store.write, sql.Conn) is served from it
// without changing how any of them is written.

// maxCachedStatements bounds the statements kept per connection: the package's queries are a
// few dozen fixed texts; a text built at run time beyond the bound is prepared each time.
const maxCachedStatements = 256

// cachingConnector opens connections that keep their prepared statements.
type cachingConnector struct{ driver.Connector }

// driverConn is what every connection of the SQLite driver implements (sqlite.NewConnector
// lists it); a wrapper that hid any of it would send database/sql down its fallback paths.
type driverConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

func (c cachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	dc, ok := conn.(driverConn)
	if !ok {
		conn.Close()
		return nil, fmt.Errorf("sqlite connection %T lacks an interface of database/sql/driver", conn)
	}
	return &cachingConn{driverConn: dc, stmts: map[string]*cachedStmt{}}, nil
}

// cachingConn is a SQLite connection with its prepared statements by query text. database/sql
// uses a connection from one goroutine at a time, so the map needs no lock.
type cachingConn struct {
	driverConn
	stmts    map[string]*cachedStmt
	prepared int // statements prepared to be kept, for tests
}

// cachedStmt is a kept statement; busy while rows read from it are open (a second query of
// the same text on the connection meanwhile gets a statement of its own).
type cachedStmt struct {
	stmt interface {
		driver.Stmt
		driver.StmtExecContext
		driver.StmtQueryContext
	}
	busy bool
}

var _ driverConn = (*cachingConn)(nil)

// Unwrap gives the driver's own connection (sqlite.Limit and others look through wrappers).
func (c *cachingConn) Unwrap() driver.Conn { return c.driverConn }

// cached returns the kept statement for query, preparing it the first time; nil when it is
// not to be kept (the cache is full, or the driver's statement lacks the context methods) or
// is busy: the query then runs as it would without the cache.
func (c *cachingConn) cached(ctx context.Context, query string) (*cachedStmt, error) {
	if s, ok := c.stmts[query]; ok {
		if s.busy {
			return nil, nil
		}
		return s, nil
	}
	if len(c.stmts) >= maxCachedStatements {
		return nil, nil
	}
	st, err := c.driverConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	s := &cachedStmt{}
	var ok bool
	if s.stmt, ok = st.(interface {
		driver.Stmt
		driver.StmtExecContext
		driver.StmtQueryContext
	}); !ok {
		return nil, st.Close()
	}
	c.stmts[query] = s
	c.prepared++
	return s, nil
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	s, err := c.cached(ctx, query)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return c.driverConn.ExecContext(ctx, query, args)
	}
	return s.stmt.ExecContext(ctx, args)
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	s, err := c.cached(ctx, query)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return c.driverConn.QueryContext(ctx, query, args)
	}
	rows, err := s.stmt.QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	s.busy = true
	return &cachedRows{Rows: rows, s: s}, nil
}

// cachedRows frees its statement for the next query when closed.
type cachedRows struct {
	driver.Rows
	s *cachedStmt
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	r.s.busy = false
	return err
}

// Close closes the kept statements, then the connection.
func (c *cachingConn) Close() error {
	var errs []error
	for q, s := range c.stmts {
		errs = append(errs, s.stmt.Close())
		delete(c.stmts, q)
	}
	return errors.Join(append(errs, c.driverConn.Close())...)
}
