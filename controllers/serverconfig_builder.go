package controllers

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	ternantv1 "github.com/ternant/ternant/api/v1alpha1"
)

// autoPoolShare is the part of the database's max_connections that pool.size auto hands to the
// API server replicas; the rest stays free for the migration Job, the CronJobs and operators.
const autoPoolShare = 0.8

// Settings the server gets when the spec leaves them unset (the CRD defaults them too; these
// cover objects read before defaulting). Each matches the server's own default.
var settingDefaults = struct {
	acquireTimeout, throttleTTL, cacheTTL, dashboardTTL time.Duration
	throttleLimit, loginLimit                           int32
}{
	acquireTimeout: 30 * time.Second, // DB_POOL_ACQUIRE_TIMEOUT: fail fast with 503 past this
	throttleTTL:    time.Minute,      // THROTTLE_TTL: rate-limit window
	cacheTTL:       time.Hour,        // REDIS_TTL: entity cache lifetime
	dashboardTTL:   5 * time.Minute,  // DASHBOARD_CACHE_TTL: dashboard stats lifetime
	throttleLimit:  100,              // THROTTLE_LIMIT: requests per window per client
	loginLimit:     5,                // THROTTLE_LOGIN_LIMIT: login attempts per minute
}

// poolSize resolves spec.pool.size: a number as given, or auto = 80% of max_connections shared
// among the replicas, at least 1.
func poolSize(size *intstr.IntOrString, maxConnections, replicas int32) int32 {
	if size != nil && size.Type == intstr.Int {
		return size.IntVal
	}
	if replicas < 1 {
		replicas = 1
	}
	n := int32(float64(maxConnections) * autoPoolShare / float64(replicas))
	return max(n, 1)
}

// replicas is spec.replicas, 2 when unset.
func replicas(ti *ternantv1.TernantInstance) int32 { return defaulted(ti.Spec.Replicas, 2) }

// seconds renders a duration as whole seconds (at least 1), as the server's variables expect.
func seconds(d *metav1.Duration, def time.Duration) string {
	v := def
	if d != nil {
		v = d.Duration
	}
	return strconv.FormatInt(max(int64(v/time.Second), 1), 10)
}

// millis renders a duration as whole milliseconds (at least 1).
func millis(d *metav1.Duration, def time.Duration) string {
	v := def
	if d != nil {
		v = d.Duration
	}
	return strconv.FormatInt(max(int64(v/time.Millisecond), 1), 10)
}

// serverConfigMap holds the server's non-secret settings, read through envFrom.
func serverConfigMap(ti *ternantv1.TernantInstance, db dbConn, rc redisConn) *corev1.ConfigMap {
	sp := ti.Spec
	data := map[string]string{
		"NODE_ENV":                "production",
		"PORT":                    strconv.Itoa(serverPort),
		"DATABASE_HOST":           db.Host,
		"DATABASE_PORT":           strconv.Itoa(int(db.Port)),
		"DATABASE_NAME":           db.Name,
		"DB_POOL_SIZE":            strconv.Itoa(int(poolSize(sp.Pool.Size, db.MaxConnections, replicas(ti)))),
		"DB_POOL_ACQUIRE_TIMEOUT": millis(sp.Pool.AcquireTimeout, settingDefaults.acquireTimeout),
		"REDIS_HOST":              rc.Host,
		"REDIS_PORT":              strconv.Itoa(int(rc.Port)),
		"REDIS_DB":                strconv.Itoa(int(rc.DB)),
		"REDIS_TTL":               seconds(sp.Cache.TTL, settingDefaults.cacheTTL),
		"DASHBOARD_CACHE_TTL":     seconds(sp.Cache.DashboardTTL, settingDefaults.dashboardTTL),
		"THROTTLE_TTL":            seconds(sp.Throttle.TTL, settingDefaults.throttleTTL),
		"THROTTLE_LIMIT":          strconv.Itoa(int(defaulted(sp.Throttle.Limit, settingDefaults.throttleLimit))),
		"THROTTLE_LOGIN_LIMIT":    strconv.Itoa(int(defaulted(sp.Throttle.LoginLimit, settingDefaults.loginLimit))),
	}
	return &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: configMapName(ti), Namespace: ti.Namespace, Labels: objectLabels(ti, componentServer)},
		Data:       data,
	}
}

// secretValues maps "secret/key" to a referenced secret value, for configHash.
type secretValues map[string][]byte

// configHash digests the ConfigMap's data and every referenced secret value, so that a change
// to any of them changes the pod template and rolls the pods.
func configHash(cm *corev1.ConfigMap, secrets secretValues) string {
	h := sha256.New()
	write := func(k string, v []byte) {
		h.Write([]byte(k))
		h.Write([]byte{0})
		h.Write(v)
		h.Write([]byte{0})
	}
	keys := make([]string, 0, len(cm.Data))
	for k := range cm.Data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		write("configmap/"+k, []byte(cm.Data[k]))
	}
	keys = keys[:0]
	for k := range secrets {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		write("secret/"+k, secrets[k])
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
