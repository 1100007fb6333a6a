# CORE: see README.md. `make run` and `make test` are the two commands a newcomer needs.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= 2
DATABASE ?= sqlite://var/core.sqlite3
PORT ?= 8080

.PHONY: setup build run test test-unit test-browser bench clean

setup:
	@./scripts/setup.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: setup $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	mkdir -p var
	$(BUILD_DIR)/core migrate --database $(DATABASE)
	$(BUILD_DIR)/core seed --demo --database $(DATABASE)
	$(BUILD_DIR)/core serve --port $(PORT) --database $(DATABASE)

test: build
	./scripts/test.sh

bench: build
	./build/gateway_bench
	./bench/http.sh

clean:
	rm -rf $(BUILD_DIR)
