# cloud-assistant-sim: set-up, build, images and tests. `make test` is what CI runs (.ci/run).
.PHONY: install build docker images test test-unit test-package test-compose demo clean

# testcontainers here: its reaper image cannot be pulled, and this machine (itself a container)
# has an engine without a bridge network, so the Docker host is given.
TC_ENV := TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1

NPX := npx

install:
	@[ -d node_modules ] || npm ci

build: install
	npm run build

docker:
	bash scripts/ensure-docker.sh

images: build docker
	bash scripts/build-images.sh

test: images
	npm run typecheck
	$(TC_ENV) bash scripts/test-package.sh
	bash scripts/test-compose.sh
	@mkdir -p .casim
	$(TC_ENV) $(NPX) vitest run --reporter=default --reporter=json --outputFile.json=.casim/test-results.json; \
	  rc=$$?; node scripts/test-summary.mjs .casim/test-results.json; exit $$rc

# npm pack, install the tarball in an empty project, run examples/vitest and examples/jest.
test-package: images
	$(TC_ENV) bash scripts/test-package.sh

# docker compose up (server + 2 instances), a script on them, docker compose down.
test-compose: images
	bash scripts/test-compose.sh

test-unit: build
	$(NPX) vitest run --project unit

demo: images
	node dist/cli/demo.js

clean:
	rm -rf dist .casim bench/out images/instance/ca-bundle.crt
