package controllers

import "context"

// reconcileScheduledJobs applies one CronJob per `ternant jobs` command. They run the image the
// server runs, so they wait for the first successful migration and follow each rollout.
func (r *TernantInstanceReconciler) reconcileScheduledJobs(ctx context.Context, s *state) error {
	if s.running.Image == "" {
		return nil
	}
	in := runtimeInputs{run: s.running, configHash: s.configHash, secrets: s.secrets, db: s.db, redis: s.redis}
	for _, sj := range scheduledJobs(s.ti) {
		if _, err := r.apply(ctx, s.ti, cronJob(s.ti, in, sj)); err != nil {
			return err
		}
	}
	return nil
}
