/* stub/loader_blob.S - embeds the built loader image into bin/cvisor. */
	.section .rodata
	.globl stub_loader_image, stub_loader_image_end
	.balign 16
stub_loader_image:
	.incbin LOADER_PATH
stub_loader_image_end:
	.section .note.GNU-stack, "", @progbits
