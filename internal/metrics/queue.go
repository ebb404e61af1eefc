package metrics

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// queueStates are the River job states that are still to run.
const queueStates = `'available', 'pending', 'retryable', 'running', 'scheduled'`

// QueueCollector reports River's job queue on every scrape, straight from
// its job table (river_job) in the store's database, so every replica
// reports the same shared queue:
//
//	idgate_jobs{queue,state}                     jobs still to run
//	idgate_jobs_oldest_age_seconds{queue,state}  age of the oldest of them
//	idgate_jobs_up                               1 when the table could be read
//
// A missing table (jobs not migrated yet) reports idgate_jobs_up 0 rather
// than failing the scrape.
type QueueCollector struct {
	db    *sql.DB
	now   func() time.Time
	depth *prometheus.Desc
	age   *prometheus.Desc
	up    *prometheus.Desc
}

// NewQueueCollector returns a collector over db. now may be nil.
func NewQueueCollector(db *sql.DB, now func() time.Time) *QueueCollector {
	if now == nil {
		now = time.Now
	}
	return &QueueCollector{
		db: db, now: now,
		depth: prometheus.NewDesc(namespace+"_jobs", "Background jobs still to run, by queue and River state.", []string{"queue", "state"}, nil),
		age:   prometheus.NewDesc(namespace+"_jobs_oldest_age_seconds", "Age of the oldest job still to run, by queue and River state.", []string{"queue", "state"}, nil),
		up:    prometheus.NewDesc(namespace+"_jobs_up", "1 when the job table could be read at this scrape.", nil, nil),
	}
}

// RegisterQueue adds a QueueCollector over db to the registry.
func (m *Metrics) RegisterQueue(db *sql.DB, now func() time.Time) error {
	if m == nil {
		return nil
	}
	return m.Registry.Register(NewQueueCollector(db, now))
}

// Describe implements prometheus.Collector.
func (c *QueueCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.depth
	ch <- c.age
	ch <- c.up
}

// Collect implements prometheus.Collector.
func (c *QueueCollector) Collect(ch chan<- prometheus.Metric) {
	rows, err := c.read()
	if err != nil {
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, 1)
	now := c.now()
	for _, r := range rows {
		ch <- prometheus.MustNewConstMetric(c.depth, prometheus.GaugeValue, float64(r.count), r.queue, r.state)
		if !r.oldest.IsZero() {
			ch <- prometheus.MustNewConstMetric(c.age, prometheus.GaugeValue, max(0, now.Sub(r.oldest).Seconds()), r.queue, r.state)
		}
	}
}

type queueRow struct {
	queue, state string
	count        int64
	oldest       time.Time
}

func (c *QueueCollector) read() ([]queueRow, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	rows, err := c.db.QueryContext(ctx, `SELECT queue, state, COUNT(*), MIN(created_at) FROM river_job
		WHERE state IN (`+queueStates+`) GROUP BY queue, state`)
	if err != nil {
		return nil, fmt.Errorf("read job queue: %w", err)
	}
	defer rows.Close()
	var out []queueRow
	for rows.Next() {
		var r queueRow
		var oldest any
		if err := rows.Scan(&r.queue, &r.state, &r.count, &oldest); err != nil {
			return nil, fmt.Errorf("scan job queue: %w", err)
		}
		r.queue, r.state = token(r.queue), token(r.state)
		r.oldest = parseTime(oldest)
		out = append(out, r)
	}
	return out, rows.Err()
}

// parseTime reads a timestamp as the drivers return it: time.Time from
// PostgreSQL, text from SQLite (where River writes its own format).
func parseTime(v any) time.Time {
	var s string
	switch x := v.(type) {
	case time.Time:
		return x
	case string:
		s = x
	case []byte:
		s = string(x)
	default:
		return time.Time{}
	}
	s = strings.TrimSpace(s)
	for _, layout := range []string{
		time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999-07:00",
		"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999",
	} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}
