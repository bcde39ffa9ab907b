// Ternant's k6 load test: TernantApp's scenarios and thresholds, with its bugs fixed (it logs in
// as the demo owner, reads tokens.accessToken, and checks data.totalUnits).
//
//   k6 run -e BASE_URL=http://ternant:3000 test/load/k6.js
//   k6 run -e SHORT=1 ...   shortened stages (the kind e2e uses this)
import http from 'k6/http';
import { check, sleep } from 'k6';
import { Rate } from 'k6/metrics';

const BASE_URL = __ENV.BASE_URL || 'http://localhost:3000';
const EMAIL = __ENV.EMAIL || 'owner@sunrise-pm.com';
const PASSWORD = __ENV.PASSWORD || 'Password123!';
const SHORT = __ENV.SHORT === '1';

export const errors = new Rate('errors');

// scale shortens every stage to a tenth (at least 5 s) for smoke runs in CI clusters.
function stages(list) {
  if (!SHORT) return list;
  return list.map((s) => {
    const secs = parseDuration(s.duration);
    return { duration: `${Math.max(5, Math.round(secs / 10))}s`, target: Math.min(s.target, 50) };
  });
}

function parseDuration(d) {
  const m = /^(\d+)(s|m)$/.exec(d);
  if (!m) return 60;
  return m[2] === 'm' ? Number(m[1]) * 60 : Number(m[1]);
}

function start(d) {
  return SHORT ? `${Math.round(parseDuration(d) / 10)}s` : d;
}

export const options = {
  scenarios: {
    smoke: { executor: 'constant-vus', vus: 1, duration: SHORT ? '10s' : '1m' },
    load: {
      executor: 'ramping-vus', startTime: start('1m'), startVUs: 0,
      stages: stages([{ duration: '2m', target: 50 }, { duration: '3m', target: 100 }, { duration: '2m', target: 100 }, { duration: '2m', target: 0 }]),
    },
    stress: {
      executor: 'ramping-vus', startTime: start('10m'), startVUs: 0,
      stages: stages([{ duration: '2m', target: 100 }, { duration: '5m', target: 200 }, { duration: '2m', target: 200 }, { duration: '3m', target: 300 }, { duration: '2m', target: 0 }]),
    },
    spike: {
      executor: 'ramping-vus', startTime: start('24m'), startVUs: 0,
      stages: stages([{ duration: '10s', target: 500 }, { duration: '1m', target: 500 }, { duration: '10s', target: 0 }]),
    },
  },
  thresholds: {
    http_req_duration: ['p(95)<500', 'p(99)<1000'],
    http_req_failed: ['rate<0.01'],
    errors: ['rate<0.1'],
  },
};

export function setup() {
  const res = http.post(`${BASE_URL}/api/v1/auth/login`, JSON.stringify({ email: EMAIL, password: PASSWORD }), {
    headers: { 'Content-Type': 'application/json' },
  });
  const ok = check(res, { 'login 200': (r) => r.status === 200 });
  if (!ok) {
    throw new Error(`login failed: ${res.status} ${res.body}`);
  }
  return { token: res.json('tokens.accessToken') };
}

export default function (data) {
  const auth = { headers: { Authorization: `Bearer ${data.token}` } };

  const health = http.get(`${BASE_URL}/api/v1/health`);
  errors.add(!check(health, {
    'health 200': (r) => r.status === 200,
    'health ok': (r) => r.json('status') === 'ok',
  }));

  const stats = http.get(`${BASE_URL}/api/v1/dashboard/stats`, auth);
  errors.add(!check(stats, {
    'stats 200': (r) => r.status === 200,
    'stats has totalUnits': (r) => r.json('data.totalUnits') !== undefined,
    'stats < 500ms': (r) => r.timings.duration < 500,
  }));

  for (const path of ['/api/v1/compounds', '/api/v1/apartments', '/api/v1/tenants']) {
    const res = http.get(`${BASE_URL}${path}`, auth);
    errors.add(!check(res, {
      [`${path} 200`]: (r) => r.status === 200,
      [`${path} < 300ms`]: (r) => r.timings.duration < 300,
    }));
  }
  sleep(1);
}
