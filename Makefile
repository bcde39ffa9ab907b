# Ternant: one module, one binary. `make run` and `make test` are the two commands that must always
# work on a fresh machine.
SHELL := /usr/bin/env bash
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT ?= $(shell git rev-parse HEAD 2>/dev/null)
LDFLAGS := -s -w -X github.com/ternant/ternant/version.Version=$(VERSION) -X github.com/ternant/ternant/version.Commit=$(COMMIT)
# One control-plane build per machine, shared by every clone (CI clones fresh each run).
ENVTEST_DIR ?= $(HOME)/.cache/ternant/k8s
CONTROLLER_GEN ?= $(GO) run sigs.k8s.io/controller-tools/cmd/controller-gen@v0.23.0
IMG ?= ternant:$(VERSION)
TEST_FLAGS ?= -count=1 -timeout 30m

.PHONY: all build build-prod run test test-short fuzz fmt vet lint envtest tidy clean docker-build docker-push bench bench-ceiling docs-ui manifests generate verify-generated install uninstall deploy chart chart-package helm-lint kind-e2e

all: build

## build: the ternant binary with the embedded dev database (bin/ternant)
build: docs-ui
	$(GO) build -ldflags '$(LDFLAGS)' -o bin/ternant ./cmd/ternant

## build-prod: the production binary without the embedded dev database
build-prod: docs-ui
	CGO_ENABLED=0 $(GO) build -tags noembed -trimpath -ldflags '$(LDFLAGS)' -o bin/ternant ./cmd/ternant

## docs-ui: copy Swagger UI (npm) into the binary's embedded assets for /api/docs
docs-ui:
	@if command -v npm >/dev/null 2>&1; then \
	  (cd web/apidoc && npm ci --no-audit --no-fund --ignore-scripts >/dev/null) && \
	  cp web/apidoc/node_modules/swagger-ui-dist/swagger-ui-bundle.js web/apidoc/node_modules/swagger-ui-dist/swagger-ui.css server/apidoc/assets/; \
	else echo "docs-ui: npm not found; /api/docs will link to /api/docs-json only"; fi

## run: the API on :3000 with the embedded in-memory database and Redis (no setup needed)
run: docs-ui
	$(GO) run -ldflags '$(LDFLAGS)' ./cmd/ternant serve

## manifests: the CRD (config/crd/bases) and the operator's ClusterRole (config/rbac/role.yaml) from markers, copied into the chart
manifests:
	$(CONTROLLER_GEN) rbac:roleName=manager-role crd paths="./api/...;./controllers/..." \
		output:crd:artifacts:config=config/crd/bases output:rbac:artifacts:config=config/rbac
	@$(MAKE) --no-print-directory chart

## chart: copy the CRDs, RBAC rules and the operator's alert rules from config/ into the Helm chart (test/chart fails when they differ)
CHART_DIR := charts/ternant-operator
CHART_RBAC := role leader_election_role ternantinstance_editor_role ternantinstance_viewer_role
chart:
	@rm -f $(CHART_DIR)/files/crds/*.yaml
	@mkdir -p $(CHART_DIR)/files/crds $(CHART_DIR)/files/rbac $(CHART_DIR)/files/prometheus
	cp config/crd/bases/*.yaml $(CHART_DIR)/files/crds/
	cp $(foreach f,$(CHART_RBAC),config/rbac/$(f).yaml) $(CHART_DIR)/files/rbac/
	cp config/prometheus/operator-alerts.yaml $(CHART_DIR)/files/prometheus/

## chart-package: the release chart dist/ternant-operator-X.Y.Z.tgz for VERSION=vX.Y.Z (version X.Y.Z, appVersion and image tag vX.Y.Z)
chart-package: chart
	hack/chart-version.sh $(VERSION) dist

## helm-lint: helm lint with the default and every ci/ values file (needs the helm CLI; test/chart runs the same linter)
helm-lint:
	helm lint $(CHART_DIR)
	@for f in $(CHART_DIR)/ci/*.yaml; do helm lint $(CHART_DIR) -f $$f || exit 1; done

## generate: DeepCopy methods for the API types (api/v1alpha1/zz_generated.deepcopy.go)
generate:
	$(CONTROLLER_GEN) object:headerFile=hack/boilerplate.go.txt paths="./api/..."

## verify-generated: fail when the committed CRD, RBAC or DeepCopy files are stale
verify-generated: manifests generate
	@git diff --exit-code -- config/crd/bases config/rbac/role.yaml api/v1alpha1/zz_generated.deepcopy.go $(CHART_DIR)/files \
		|| { echo "generated files are stale: run make manifests generate and commit" >&2; exit 1; }

## install / uninstall: the TernantInstance CRD on the cluster kubectl points at
install: manifests
	kubectl apply --server-side -f config/crd/bases
uninstall:
	kubectl delete --ignore-not-found -f config/crd/bases

## deploy: CRD, RBAC and the operator Deployment (kustomize); then `kubectl apply -f config/samples/ternant_v1alpha1_ternantinstance_minimal.yaml`
deploy: manifests
	kubectl apply --server-side -k config/default

## envtest: build the kube-apiserver and etcd the operator tests use (once per machine)
envtest:
	@hack/envtest-assets.sh $(ENVTEST_DIR) >/dev/null

## test: the whole suite (needs MariaDB on 127.0.0.1:3306 and Redis on 127.0.0.1:6379)
test: envtest docs-ui
	KUBEBUILDER_ASSETS=$(ENVTEST_DIR) $(GO) test $(TEST_FLAGS) ./...

## test-short: pure unit tests only (no MariaDB, Redis or envtest)
test-short:
	$(GO) test -short -count=1 ./...

## bench: seed a bulk data set (once), start a server on MariaDB + Redis, run the load harness
bench:
	hack/bench.sh

## bench-ceiling: before/after on the demo data beside the minimal server's ceilings (docs/benchmarks.md)
bench-ceiling:
	hack/bench-ceiling.sh

## fuzz: run every fuzz target for FUZZTIME each (make test runs them on their seed corpora only)
FUZZTIME ?= 1m
fuzz:
	@set -e; for f in $$(grep -rl --include='*_test.go' '^func Fuzz' server internal cmd 2>/dev/null); do \
		pkg=./$$(dirname $$f); \
		for t in $$(grep -o '^func Fuzz[A-Za-z0-9_]*' $$f | cut -d' ' -f2); do \
			echo "== $$pkg $$t ($(FUZZTIME))"; \
			$(GO) test $$pkg -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME); \
		done; \
	done

## fmt / vet / lint
fmt:
	gofmt -w $$(git ls-files '*.go')
vet:
	$(GO) vet ./...
lint:
	$(GO) run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0 run ./...

## docker-build / docker-push: the production image (needs a Docker engine)
docker-build:
	docker build --build-arg VERSION=$(VERSION) --build-arg COMMIT=$(COMMIT) -t $(IMG) .
docker-push:
	docker push $(IMG)

## kind-e2e: the full end-to-end test on a kind cluster, offline: hack/kind-images.sh prepares Docker and
## builds every image here (cached), then TestKindE2E runs (test/kind/README.md). KIND_ONLINE=1 uses a
## registry instead (kind's node image, mysql/redis/k6 from Docker Hub, the Dockerfile's image).
## E2E_MONITORING=0 skips the prometheus-operator CRDs; E2E_KEEP_CLUSTER=1 keeps the cluster.
KIND_IMG ?= ternant:e2e
KIND_NEXT_IMG ?= ternant:e2e-next
kind-e2e:
ifeq ($(KIND_ONLINE),1)
	$(MAKE) docker-build IMG=$(KIND_IMG)
	docker tag $(KIND_IMG) $(KIND_NEXT_IMG)
	E2E_IMAGE=$(KIND_IMG) E2E_NEXT_IMAGE=$(KIND_NEXT_IMG) $(GO) test -tags kind -count=1 -timeout 80m -v -run '^TestKindE2E$$' ./test/kind/
else
	hack/kind-images.sh
	hack/kind-images.sh ternant $(KIND_IMG) $(KIND_NEXT_IMG)
	env $$(hack/kind-images.sh env) E2E_IMAGE=$(KIND_IMG) E2E_NEXT_IMAGE=$(KIND_NEXT_IMG) \
	  $(GO) test -tags kind -count=1 -timeout 80m -v -run '^TestKindE2E$$' ./test/kind/
endif

tidy:
	$(GO) mod tidy

clean:
	rm -rf bin/ternant dist
