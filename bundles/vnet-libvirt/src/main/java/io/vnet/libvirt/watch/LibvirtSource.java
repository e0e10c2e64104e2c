package io.vnet.libvirt.watch;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo.DomainState;
import org.libvirt.LibvirtException;

/** A {@link DomainSource} over a libvirt-java connection. */
final class LibvirtSource implements DomainSource {
    private final Connect conn;

    LibvirtSource(Connect conn) {
        this.conn = conn;
    }

    @Override
    public List<String> activeUuids() throws LibvirtException {
        List<String> out = new ArrayList<>();
        for (int id : conn.listDomains()) {
            try {
                out.add(conn.domainLookupByID(id).getUUIDString());
            } catch (LibvirtException e) {
                if (!gone(e)) {
                    throw e;
                }
            }
        }
        return out;
    }

    @Override
    public Optional<Snapshot> domain(String uuid) throws LibvirtException {
        try {
            Domain d = conn.domainLookupByUUIDString(uuid);
            if (d.isActive() != 1) {
                return Optional.empty();
            }
            DomainState st = d.getInfo().state;
            State state = st == DomainState.VIR_DOMAIN_RUNNING ? State.RUNNING
                    : st == DomainState.VIR_DOMAIN_PAUSED ? State.PAUSED : State.OTHER;
            return Optional.of(new Snapshot(uuid, state, d.getXMLDesc(0)));
        } catch (LibvirtException e) {
            if (gone(e)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static boolean gone(LibvirtException e) {
        return e.getError() != null && e.getError().getCode() == org.libvirt.Error.ErrorNumber.VIR_ERR_NO_DOMAIN;
    }
}
