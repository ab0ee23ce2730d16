# picovm build.  `make` builds the monitor (with the guest image embedded) and the
# guest test programs; `make test`, `make bench`, `make demo` as the README says.
B        := build
CC       ?= gcc
NASM     ?= nasm
MUSLCC   ?= musl-gcc

WARN     := -Wall -Wextra -Werror
# The guest is freestanding and must not touch the application's FPU/SSE state
# (no save/restore on the system-call path), nor use a red zone (exception
# frames land on the same stack when the library OS runs at CPL0 on VMX/SVM).
GUEST_CFLAGS := $(WARN) -std=gnu11 -O2 -g -ffreestanding -nostdlib -fno-pic -fno-pie \
	-fno-stack-protector -mno-red-zone -mgeneral-regs-only -fno-asynchronous-unwind-tables \
	-fcf-protection=none -fno-tree-loop-distribute-patterns \
	-Iguest -Ipal-kvm -Ilibos -I$(B)/gen
MON_CFLAGS := $(WARN) -std=gnu11 -O2 -g -D_GNU_SOURCE -Imonitor -Iguest -Ipal-kvm
MON_LDFLAGS := -static -pthread

GUEST_C   := $(wildcard guest/*.c pal-kvm/*.c libos/*.c libos/*/*.c)
GUEST_S   := $(wildcard guest/*.S pal-kvm/*.S libos/*.S)
BOOT_ASM  := $(wildcard boot/*.asm)
GUEST_OBJ := $(patsubst %,$(B)/%.o,$(BOOT_ASM) $(GUEST_S) $(GUEST_C))
MON_C     := $(wildcard monitor/*.c)
MON_OBJ   := $(patsubst %,$(B)/%.o,$(MON_C))

TEST_C    := $(wildcard tests/guest/*.c)
TEST_BIN  := $(patsubst tests/guest/%.c,$(B)/tests/%,$(TEST_C)) \
             $(patsubst tests/guest/%.c,$(B)/tests-glibc/%,$(TEST_C))
TEST_DEPS := $(wildcard tests/guest/*.h pal-kvm/*.h guest/*.h)
TEST_CFLAGS := -static -O2 -Wall -Wextra -Werror -Ipal-kvm -Iguest

.PHONY: all demo test bench clean unit tests-bin
all: $(B)/picovm tests-bin

$(B)/%.asm.o: %.asm
	@mkdir -p $(dir $@)
	$(NASM) -f elf64 -o $@ $<
$(B)/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c -o $@ $<
$(B)/guest/%.c.o: guest/%.c $(wildcard guest/*.h pal-kvm/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c -o $@ $<
$(B)/pal-kvm/%.c.o: pal-kvm/%.c $(wildcard guest/*.h pal-kvm/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c -o $@ $<
$(B)/libos/%.c.o: libos/%.c $(wildcard guest/*.h pal-kvm/*.h libos/*.h libos/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) -c -o $@ $<

$(B)/gen/syscall_names.h: scripts/gen-syscall-names.sh
	@mkdir -p $(dir $@)
	CC=$(CC) scripts/gen-syscall-names.sh > $@
$(B)/libos/syscall_table.c.o: $(B)/gen/syscall_names.h

$(B)/guest.elf: $(GUEST_OBJ) guest/guest.ld
	$(LD) -nostdlib -static -z noexecstack --no-warn-rwx-segments -T guest/guest.ld -o $@ $(GUEST_OBJ)
$(B)/guest.bin: $(B)/guest.elf
	objcopy -O binary $< $@

$(B)/monitor/%.c.o: monitor/%.c $(wildcard monitor/*.h guest/*.h pal-kvm/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(MON_CFLAGS) -c -o $@ $<
$(B)/monitor/guest_image.o: monitor/guest_image.S $(B)/guest.bin
	$(CC) -c -DGUEST_BIN='"$(B)/guest.bin"' -o $@ $<
$(B)/picovm: $(MON_OBJ) $(B)/monitor/guest_image.o
	$(CC) $(MON_LDFLAGS) -o $@ $^

# Guest test programs: unmodified static Linux binaries, each built twice,
# with musl and with glibc (the two libcs use different system calls).
tests-bin: $(TEST_BIN)
$(B)/tests/%: tests/guest/%.c $(TEST_DEPS)
	@mkdir -p $(dir $@)
	$(MUSLCC) $(TEST_CFLAGS) -o $@ $<
$(B)/tests-glibc/%: tests/guest/%.c $(TEST_DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -o $@ $<

# demo, test and bench install missing Debian packages before building,
# so they work on a fresh machine.
demo:
	scripts/deps.sh
	$(MAKE) all
	$(B)/picovm run tests/examples/hello.manifest

test:
	scripts/run-tests.sh

bench:
	scripts/deps.sh
	$(MAKE) all
	scripts/bench.sh

unit:
	scripts/run-unit.sh

clean:
	rm -rf $(B)
