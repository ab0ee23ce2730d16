# picovm build.  `make` builds the monitor (with the guest image embedded) and the
# guest test programs; `make test`, `make bench`, `make demo` as the README says.
#
# Sources are found by folder.  Each room compiles with the include paths it
# may use (DESIGN.md): the library OS sees the PAL contract (include/pal) and
# the guest base, never the hypercall ABI (include/abi); pal-kvm sees both
# sides; the monitor sees the ABI and its own folders, no guest header.
# -MMD -MP: touching a header rebuilds exactly what includes it.
B        := build
CC       ?= gcc
NASM     ?= nasm
MUSLCC   ?= musl-gcc

WARN     := -Wall -Wextra -Werror
DEPFLAGS := -MMD -MP
# The guest is freestanding and must not touch the application's FPU/SSE state
# (no save/restore on the system-call path), nor use a red zone (exception
# frames land on the same stack when the library OS runs at CPL0 on VMX/SVM).
GUEST_CFLAGS := $(WARN) $(DEPFLAGS) -std=gnu11 -O2 -g -ffreestanding -nostdlib -fno-pic -fno-pie \
	-fno-stack-protector -mno-red-zone -mgeneral-regs-only -fno-asynchronous-unwind-tables \
	-fcf-protection=none -fno-tree-loop-distribute-patterns
INC_guest  := -Iguest -Iinclude/abi
INC_pal    := -Ipal-kvm -Iguest -Iinclude/pal -Iinclude/abi
INC_libos  := -Ilibos -Iguest -Iinclude/pal -I$(B)/gen
# Every handler of the library OS's typed system-call table has a prototype.
LIBOS_WARN := -Wmissing-prototypes -Wstrict-prototypes
MON_CFLAGS := $(WARN) $(DEPFLAGS) -std=gnu11 -O2 -g -D_GNU_SOURCE -Imonitor -Iinclude/abi
MON_LDFLAGS := -static -pthread

sources   = $(shell find $(1) -name '*.$(2)' | LC_ALL=C sort)
GUEST_C   := $(call sources,guest,c)
PAL_C     := $(call sources,pal-kvm,c)
LIBOS_C   := $(call sources,libos,c)
GUEST_S   := $(call sources,guest pal-kvm libos,S)
BOOT_ASM  := $(call sources,boot,asm)
GUEST_OBJ := $(patsubst %,$(B)/%.o,$(BOOT_ASM) $(GUEST_S) $(GUEST_C) $(PAL_C) $(LIBOS_C))
MON_C     := $(call sources,monitor,c)
MON_OBJ   := $(patsubst %,$(B)/%.o,$(MON_C))

TEST_C    := $(wildcard tests/guest/*.c)
TEST_BIN  := $(patsubst tests/guest/%.c,$(B)/tests/%,$(TEST_C)) \
             $(patsubst tests/guest/%.c,$(B)/tests-glibc/%,$(TEST_C))
# Guest test programs are ordinary Linux programs; only the hostile PAL caller
# speaks the hypercall ABI.
TEST_CFLAGS := -static -O2 -Wall -Wextra -Werror -Iinclude/abi $(DEPFLAGS)

.PHONY: all demo test bench clean unit tests-bin ltp
all: $(B)/picovm tests-bin

$(B)/%.asm.o: %.asm $(B)/gen/abi.inc
	@mkdir -p $(dir $@)
	$(NASM) -f elf64 -I$(B)/gen/ -o $@ $<
# The ABI's numbers for nasm, from the C header (boot/abi_defs.c says how).
$(B)/gen/abi.inc: boot/abi_defs.c include/abi/layout.h
	@mkdir -p $(dir $@)
	$(CC) -S -O2 -Iinclude/abi -o $@.s $<
	sed -n 's/^[[:space:]]*\.ascii "\(%define [A-Z0-9_]* [0-9]*\)\\n"$$/\1/p' $@.s > $@.tmp
	test -s $@.tmp && mv $@.tmp $@
$(B)/guest/%.S.o: guest/%.S
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) $(INC_guest) -c -o $@ $<
$(B)/pal-kvm/%.S.o: pal-kvm/%.S
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) $(INC_pal) -c -o $@ $<
$(B)/libos/%.S.o: libos/%.S
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) $(INC_libos) -c -o $@ $<
$(B)/guest/%.c.o: guest/%.c
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) $(INC_guest) -c -o $@ $<
$(B)/pal-kvm/%.c.o: pal-kvm/%.c
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) $(INC_pal) -c -o $@ $<
$(B)/libos/%.c.o: libos/%.c | $(B)/gen/syscall_names.h
	@mkdir -p $(dir $@)
	$(CC) $(GUEST_CFLAGS) $(LIBOS_WARN) $(INC_libos) -c -o $@ $<

$(B)/gen/syscall_names.h: scripts/gen-syscall-names.sh
	@mkdir -p $(dir $@)
	CC=$(CC) scripts/gen-syscall-names.sh > $@

$(B)/guest.elf: $(GUEST_OBJ) guest/guest.ld
	$(LD) -nostdlib -static -z noexecstack --no-warn-rwx-segments -T guest/guest.ld -o $@ $(GUEST_OBJ)
$(B)/guest.bin: $(B)/guest.elf
	objcopy -O binary $< $@

$(B)/monitor/%.c.o: monitor/%.c
	@mkdir -p $(dir $@)
	$(CC) $(MON_CFLAGS) -c -o $@ $<
$(B)/monitor/kvm/guest_image.o: monitor/kvm/guest_image.S $(B)/guest.bin
	$(CC) -c -DGUEST_BIN='"$(B)/guest.bin"' -o $@ $<
$(B)/picovm: $(MON_OBJ) $(B)/monitor/kvm/guest_image.o
	$(CC) $(MON_LDFLAGS) -o $@ $^

# Guest test programs: unmodified static Linux binaries, each built twice,
# with musl and with glibc (the two libcs use different system calls).
tests-bin: $(TEST_BIN)
$(B)/tests/%: tests/guest/%.c
	@mkdir -p $(dir $@)
	$(MUSLCC) $(TEST_CFLAGS) -o $@ $<
$(B)/tests-glibc/%: tests/guest/%.c
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -o $@ $<

# (build/ltp, LTP's own tree, is not ours to include.)
-include $(shell find $(B) -path $(B)/ltp -prune -o -name '*.d' -print 2>/dev/null)

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

# LTP's system-call tests, natively and under picovm (scripts/ltp.sh; LTP_SRC=...).
ltp:
	scripts/ltp.sh

clean:
	rm -rf $(B)
