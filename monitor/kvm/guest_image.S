/* The guest image (boot stubs, guest base, PAL, library OS), linked into picovm. */
    .section .rodata
    .balign 4096
    .globl guest_image_start, guest_image_end
guest_image_start:
    .incbin GUEST_BIN
guest_image_end:
    .section .note.GNU-stack, "", @progbits
